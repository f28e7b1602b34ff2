select cast(id as integer) as id, cast(label as text) as label,
       cast(price as numeric(10,2)) as price, cast(coalesce(qty, 0) as integer) as qty
from {{ ref('raw_items') }}
