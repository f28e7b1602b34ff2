with orders as (
    select * from {{ ref('stg_orders') }}
),
refunds as (
    select order_id, sum(refunded_amount) as refunded_amount
    from {{ ref('stg_refunds') }}
    group by order_id
)
select
    o.order_id,
    o.customer_id,
    o.ordered_at,
    o.channel,
    o.amount,
    coalesce(r.refunded_amount, 0) as refunded_amount,
    o.amount - coalesce(r.refunded_amount, 0) as net_amount,
    o.status = 'completed' as is_completed,
    '{{ var("reporting_currency") }}' as currency
from orders as o
left join refunds as r on o.order_id = r.order_id
