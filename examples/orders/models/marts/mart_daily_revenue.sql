select
    order_date,
    customer_id,
    sum(amount) as revenue
from {{ ref('stg_orders') }}
where status = 'completed'
group by order_date, customer_id
