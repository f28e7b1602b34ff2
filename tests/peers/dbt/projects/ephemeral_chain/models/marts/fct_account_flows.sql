with payments as (
    select account_id, sum(amount) as payment_total
    from {{ ref('eph_payment_flags') }}
    group by account_id
),

transfers as (
    select account_id, sum(amount) as transfer_total
    from {{ ref('eph_transfers') }}
    group by account_id
)

select
    coalesce(p.account_id, t.account_id) as account_id,
    coalesce(p.payment_total, 0) as payment_total,
    coalesce(t.transfer_total, 0) as transfer_total
from payments as p
full outer join transfers as t
    on p.account_id = t.account_id
