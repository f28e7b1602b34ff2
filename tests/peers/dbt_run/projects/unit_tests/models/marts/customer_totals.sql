select
    c.customer_id,
    c.full_name,
    count(o.order_id) as order_count,
    coalesce(sum(o.amount), 0) as total_amount,
    coalesce(sum(o.amount), 0) >= {{ var('vip_threshold') }} as is_vip
from {{ ref('stg_customers') }} c
left join {{ ref('stg_orders') }} o on o.customer_id = c.customer_id
group by 1, 2
