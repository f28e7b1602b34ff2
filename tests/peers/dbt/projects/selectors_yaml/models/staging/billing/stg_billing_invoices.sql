select invoice_id, account_id, issued_on, amount, status
from {{ source('billing', 'invoices') }}
