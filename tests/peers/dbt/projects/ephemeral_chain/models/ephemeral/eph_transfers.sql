{{ config(tags=['bank']) }}
select
    transfer_id,
    from_account as account_id,
    -amount_cents / 100.0 as amount
from {{ source('bank', 'transfers') }}
union all
select
    transfer_id,
    to_account as account_id,
    amount_cents / 100.0 as amount
from {{ source('bank', 'transfers') }}
