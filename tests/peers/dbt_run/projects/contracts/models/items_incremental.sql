{{ config(materialized='incremental', unique_key='id', on_schema_change='append_new_columns') }}
select id, label, price as stock_value from {{ ref('items') }}
{% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}
