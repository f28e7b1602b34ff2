{{ config(tags=['pii', 'crm']) }}
select account_id, count(*) filter (where role = 'admin') as admins, count(*) as contacts
from {{ ref('stg_crm_contacts') }}
group by account_id
