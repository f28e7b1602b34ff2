{{ config(materialized='incremental') }}
select 1 as id
{% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}
