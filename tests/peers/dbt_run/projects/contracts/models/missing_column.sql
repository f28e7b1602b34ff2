select id, label, qty from {{ ref('items') }}
