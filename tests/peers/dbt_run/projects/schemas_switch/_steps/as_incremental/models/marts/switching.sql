{{ config(materialized='incremental', unique_key='id') }}
select id, kind, 'incremental' as built_as from {{ ref('stg_events') }}
{% if is_incremental() %} where id > (select max(id) - 2 from {{ this }}) {% endif %}
