select
    i.account_id,
    sum(i.amount) as invoiced,
    sum(p.amount) as paid
from {{ ref('stg_billing_invoices') }} as i
left join {{ ref('stg_billing_payments') }} as p on p.invoice_id = i.invoice_id
group by i.account_id
