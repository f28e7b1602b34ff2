{{ config(severity='warn', store_failures=true) }}
select tier, sum(balance) as total
from {{ ref('account_balances') }}
group by tier
having sum(balance) < 0
