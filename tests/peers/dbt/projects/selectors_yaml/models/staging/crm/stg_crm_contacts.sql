{{ config(tags=['pii']) }}
select contact_id, account_id, email, role
from {{ source('crm', 'contacts') }}
