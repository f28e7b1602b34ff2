select
    a.account_id,
    a.account_name,
    a.invoiced - a.paid as outstanding,
    b.admins > 0 as has_admin
from {{ ref('dim_accounts') }} as a
left join {{ ref('bridge_account_contacts') }} as b using (account_id)
