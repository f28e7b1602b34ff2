select * from {{ ref('account_balances') }} where tier = 'gold'
