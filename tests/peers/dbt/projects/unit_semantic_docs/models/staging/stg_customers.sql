select
    id as customer_id,
    trim(name) as customer_name,
    upper(country) as country
from {{ source('shop', 'customers') }}
