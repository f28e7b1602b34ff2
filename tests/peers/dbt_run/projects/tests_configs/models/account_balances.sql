select a.id, a.owner, a.tier, a.balance + coalesce(sum(t.amount), 0) as balance
from {{ ref('accounts') }} a
left join {{ source('bank', 'transfers') }} t on t.account_id = a.id and t.status = 'done'
group by a.id, a.owner, a.tier, a.balance
