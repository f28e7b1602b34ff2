select
    c.customer_id,
    c.customer_name,
    c.balance,
    count(e.event_id) as event_count
from {{ ref('stg_vendor_customers') }} as c
left join {{ ref('stg_vendor_events') }} as e
    on c.customer_id = e.customer_id
group by 1, 2, 3
