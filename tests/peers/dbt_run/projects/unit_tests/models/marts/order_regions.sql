select order_id, '{{ env_var("SHOP_REGION", "eu") }}' as region
from {{ ref('stg_orders') }}
