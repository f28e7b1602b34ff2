{{ config(materialized='table') }}
select payment_id, invoice_id, paid_on, amount
from {{ source('billing', 'payments') }}
