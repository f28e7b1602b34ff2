select a.account_id, r.admins, r.contacts
from {{ ref('dim_accounts') }} as a
left join {{ ref('int_contact_roles') }} as r using (account_id)
