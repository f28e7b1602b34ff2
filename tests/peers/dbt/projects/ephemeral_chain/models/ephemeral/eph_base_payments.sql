with src as (
    select * from {{ ref('payments') }}
)
select
    payment_id,
    account_id,
    amount_cents / 100.0 as amount,
    lower(status) as status,
    cast(paid_at as timestamp) as paid_at
from src
