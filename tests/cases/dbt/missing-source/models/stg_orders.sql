select * from {{ source("shop_raw", "orders") }}
