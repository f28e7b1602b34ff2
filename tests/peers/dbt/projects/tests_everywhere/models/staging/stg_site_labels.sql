select
    "site code",
    "Display Name",
    region as "Region Name"
from {{ ref('site_labels') }}
