select * from {{ ref('stg_vendor_customers') }}
