select s.site_code
from {{ ref('stg_sensors') }} as s
left join {{ ref('stg_site_labels') }} as l
    on s.site_code = l."site code"
where l."site code" is null
