select r.reading_id, r.sensor_id, r.value, r.read_at, d.firmware
from {{ source('telemetry', 'readings') }} as r
left join {{ source('telemetry', 'devices') }} as d using (sensor_id)
