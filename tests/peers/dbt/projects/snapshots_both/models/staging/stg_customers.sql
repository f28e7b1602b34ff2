select
    id as customer_id,
    lower(email) as email,
    name,
    tier,
    cast(updated_at as timestamp) as updated_at
from {{ ref('raw_customers') }}
