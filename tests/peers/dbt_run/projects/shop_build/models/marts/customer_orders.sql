with orders as (
    select * from {{ ref('stg_orders') }}
)
select
    c.customer_id,
    c.name,
    count(o.order_id) as order_count,
    sum(o.amount) as lifetime_value,
    min(o.order_date) as first_order
from {{ ref('stg_customers') }} c
left join orders o using (customer_id)
group by 1, 2
