select * from {{ ref('stg_invoices') }}
