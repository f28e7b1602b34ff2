select id, price * {{ var('factor', 1) }} as price from {{ ref('items') }}
