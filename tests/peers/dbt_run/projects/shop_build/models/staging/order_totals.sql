{{ config(materialized='ephemeral') }}
select order_id, sum(price * qty) as items_total, count(*) as item_count
from {{ ref('order_items') }}
group by order_id
