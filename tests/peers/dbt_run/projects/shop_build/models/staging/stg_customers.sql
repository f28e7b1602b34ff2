select id as customer_id, name, signup_date, coalesce(score, 0) as score, active
from {{ ref('customers') }}
