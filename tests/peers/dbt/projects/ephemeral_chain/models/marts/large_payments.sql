select payment_id, account_id, amount
from {{ ref('eph_payment_flags') }}
where is_large
  and payment_id not in (select payment_id from {{ ref('eph_base_payments') }} where status = 'refunded')
