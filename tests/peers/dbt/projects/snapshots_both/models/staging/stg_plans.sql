select
    plan_id,
    region,
    tier,
    cast(monthly_price as decimal(10, 2)) as monthly_price,
    currency
from {{ ref('raw_plans') }}
