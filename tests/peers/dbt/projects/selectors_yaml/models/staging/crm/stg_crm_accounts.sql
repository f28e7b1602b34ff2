select account_id, account_name, country_code, created_at
from {{ source('crm', 'accounts') }}
