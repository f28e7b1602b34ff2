select status, count(*) as n
from {{ ref('eph_valid_payments') }}
group by status
