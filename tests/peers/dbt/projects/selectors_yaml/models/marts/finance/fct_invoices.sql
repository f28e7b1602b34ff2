select
    i.invoice_id,
    i.account_id,
    i.issued_on,
    i.amount,
    i.status,
    coalesce(sum(p.amount), 0) as paid_amount
from {{ ref('stg_billing_invoices') }} as i
left join {{ ref('stg_billing_payments') }} as p using (invoice_id)
group by all
