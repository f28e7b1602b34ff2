{% snapshot customers_checked %}
{{ config(target_schema=target.schema, unique_key='id', strategy='check', check_cols=['tier'], hard_deletes='invalidate') }}
select id, name, tier from {{ ref('customers') }}
{% endsnapshot %}

{% snapshot customers_all_cols %}
{{ config(target_schema=target.schema, unique_key='id', strategy='check', check_cols='all', hard_deletes='new_record') }}
select id, name, tier from {{ ref('customers') }}
{% endsnapshot %}
