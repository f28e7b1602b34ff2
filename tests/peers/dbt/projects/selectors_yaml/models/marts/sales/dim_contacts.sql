{{ config(materialized='view', tags=['pii']) }}
select c.contact_id, c.account_id, c.role, a.account_name
from {{ ref('stg_crm_contacts') }} as c
join {{ ref('stg_crm_accounts') }} as a using (account_id)
