select code, {{ to_cents('rate') }} as rate_cents from {{ ref('currencies') }}
