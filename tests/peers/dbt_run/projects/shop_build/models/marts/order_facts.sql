select o.*, t.items_total, t.item_count,
       {{ dbt.datediff("o.order_date", "date '2024-05-01'", "day") }} as days_ago
from {{ ref('stg_orders') }} o
join {{ ref('order_totals') }} t using (order_id)
