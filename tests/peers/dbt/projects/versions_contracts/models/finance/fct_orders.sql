select
    cast(o.order_id as integer) as order_id,
    cast(o.customer_id as integer) as customer_id,
    o.ordered_on,
    cast(o.amount as decimal(12, 2)) as amount,
    cast(o.currency as varchar) as currency
from {{ ref('stg_orders') }} as o
