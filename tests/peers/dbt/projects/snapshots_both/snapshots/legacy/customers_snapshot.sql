{% snapshot customers_snapshot %}
{{
    config(
      target_schema='snapshots',
      unique_key='customer_id',
      strategy='timestamp',
      updated_at='updated_at',
      tags=['customers'],
    )
}}

select * from {{ ref('stg_customers') }}

{% endsnapshot %}
