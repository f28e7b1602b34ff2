-- unpinned ref resolves to the latest_version (1); pinned refs with v= and version=
select
    c.customer_id,
    c.full_name,
    n.customer_tier,
    count(o.order_id) as order_count
from {{ ref('dim_customers') }} as c
join {{ ref('dim_customers', v=2) }} as n
    on c.customer_id = n.customer_id
left join {{ ref('stg_orders') }} as o
    on c.customer_id = o.customer_id
group by 1, 2, 3
