{{ config(materialized='view') }}
select name from {{ ref('cheap_products') }} order by name
