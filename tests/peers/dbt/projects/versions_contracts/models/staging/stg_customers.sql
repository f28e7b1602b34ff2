select
    id as customer_id,
    full_name,
    split_part(full_name, ' ', 1) as first_name,
    split_part(full_name, ' ', 2) as last_name,
    email,
    cast(signup_date as date) as signup_date,
    tier
from {{ ref('raw_customers') }}
