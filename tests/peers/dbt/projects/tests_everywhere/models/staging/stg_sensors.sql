select
    sensor_id,
    site_code,
    kind,
    installed_on,
    is_active
from {{ ref('sensors') }}
