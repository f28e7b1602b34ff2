select
    s.sensor_id,
    s.site_code,
    l."Display Name" as site_name,
    s.kind,
    count(r.reading_id) as reading_count,
    avg(r.value) as avg_value,
    max(r.read_at) as last_read_at
from {{ ref('stg_sensors') }} as s
left join {{ ref('stg_readings') }} as r
    on s.sensor_id = r.sensor_id
left join {{ ref('stg_site_labels') }} as l
    on s.site_code = l."site code"
group by 1, 2, 3, 4
