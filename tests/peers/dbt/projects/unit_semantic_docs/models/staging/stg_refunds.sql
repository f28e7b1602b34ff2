select refund_id, order_id, refunded_amount
from {{ source('shop', 'refunds') }}
