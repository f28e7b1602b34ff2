select id, case when qty = 0 then null else qty end as qty from {{ ref('items') }}
