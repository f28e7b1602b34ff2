select b.id, b.balance, g.id as gold_id
from {{ ref('account_balances') }} b
cross join {{ ref('gold_accounts') }} g
