select
    plan_id,
    region,
    count(*) as versions,
    min(dbt_valid_from) as first_seen
from {{ ref('plans_snapshot') }}
group by plan_id, region
