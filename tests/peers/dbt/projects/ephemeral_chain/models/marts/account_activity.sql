-- not starting with WITH; mixes an ephemeral, a table model and a seed
select
    f.account_id,
    f.payment_total,
    (select count(*) from {{ ref('eph_transfers') }} as t where t.account_id = f.account_id) as transfer_legs,
    (select count(*) from {{ ref('payments') }} as p where p.account_id = f.account_id) as raw_payments
from {{ ref('fct_account_flows') }} as f
