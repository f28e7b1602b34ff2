select id, {{ helpers.label('product') }} as label, qty
from {{ ref('orders') }}
where qty >= {{ var('min_qty') }}
