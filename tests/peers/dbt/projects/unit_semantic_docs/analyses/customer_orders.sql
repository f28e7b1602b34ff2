select c.customer_name, count(o.order_id) as orders
from {{ ref('dim_customers', v=1) }} as c
left join {{ ref('fct_orders') }} as o using (customer_id)
group by 1
