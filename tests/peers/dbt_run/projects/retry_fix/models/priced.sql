select id, price, no_such_column from {{ ref('base_items') }}
