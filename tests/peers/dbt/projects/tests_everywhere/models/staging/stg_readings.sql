select
    reading_id,
    sensor_id,
    cast(read_at as timestamp) as read_at,
    value,
    unit
from {{ source('iot', 'raw_readings') }}
