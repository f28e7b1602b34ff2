select
    sku,
    on_hand,
    on_hand > 0 as in_stock
from {{ source('shop_raw', 'inventory') }}
union all
select
    sku,
    0 as on_hand,
    false as in_stock
from {{ source('shop_raw', 'returns_log') }}
