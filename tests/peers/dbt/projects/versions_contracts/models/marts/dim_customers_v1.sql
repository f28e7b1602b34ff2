select
    customer_id,
    full_name,
    email,
    signup_date
from {{ ref('stg_customers') }}
