select
    order_id,
    customer_id,
    cast(ordered_at as date) as ordered_at,
    amount,
    status,
    channel
from {{ ref('raw_orders') }}
where amount >= {{ var('min_order_amount') }}
