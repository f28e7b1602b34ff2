select id, price, price * 2 as doubled from {{ ref('base_items') }}
