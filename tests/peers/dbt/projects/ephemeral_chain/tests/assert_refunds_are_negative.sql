select *
from {{ ref('eph_payment_flags') }}
where is_refund and amount >= 0
