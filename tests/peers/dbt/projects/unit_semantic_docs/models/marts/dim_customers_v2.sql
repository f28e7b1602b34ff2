select
    c.customer_id,
    c.customer_name,
    c.country,
    {{ customer_segment('c.country') }} as segment
from {{ ref('stg_customers') }} as c
