select sensor_id, count(*) as n
from {{ ref('sensors_snapshot') }}
where dbt_valid_to is null
group by sensor_id
having count(*) > 1
