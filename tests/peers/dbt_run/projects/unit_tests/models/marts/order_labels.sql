select
    order_id,
    case when amount >= {{ var('vip_threshold') }} then 'large' else 'small' end as size
from {{ ref('stg_orders') }}
