select o.order_id, o.country, u.rate
from {{ ref('stg_orders') }} o
cross join {{ ref('stg_users') }} u
