{#- level 3: ephemeral on ephemeral on ephemeral -#}
select
    payment_id,
    account_id,
    amount,
    status,
    paid_at,
    amount < 0 as is_refund,
    amount >= 50 as is_large
from {{ ref('eph_valid_payments') }}
