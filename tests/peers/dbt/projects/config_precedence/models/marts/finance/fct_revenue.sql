select
    cast(i.invoice_id as integer) as invoice_id,
    cast(i.account_id as integer) as account_id,
    cast(i.amount * r.rate as decimal(18, 4)) as amount_eur,
    i.currency
from {{ ref('stg_invoices') }} as i
join {{ ref('currency_rates') }} as r
    on i.currency = r.currency
