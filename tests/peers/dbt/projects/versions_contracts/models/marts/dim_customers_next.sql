select
    customer_id,
    first_name,
    last_name,
    email,
    signup_date,
    tier as customer_tier
from {{ ref('stg_customers') }}
