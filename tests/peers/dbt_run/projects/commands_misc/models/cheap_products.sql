{{ config(materialized='ephemeral') }}
select * from {{ ref('products') }} where price < 40
