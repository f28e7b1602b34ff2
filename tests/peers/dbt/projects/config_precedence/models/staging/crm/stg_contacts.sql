select
    contact_id,
    account_id,
    lower(email) as email,
    created_on,
    '{{ var("region") }}' as region,
    '{{ var("start_date") }}' as start_date
from {{ ref('crm_contacts') }}
where created_on >= '{{ var("start_date") }}'
