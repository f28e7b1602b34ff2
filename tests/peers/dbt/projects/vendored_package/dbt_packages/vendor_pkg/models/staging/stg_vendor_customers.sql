select
    customer_id,
    name as customer_name,
    {{ cents_to_dollars('balance_cents') }} as balance,
    {{ vendor_currency() }} as currency,
    {{ format_id('CUST', 'customer_id') }} as customer_code,
    {{ concat(['name', "' ('", 'country', "')'"]) }} as display_name,
    country
from {{ ref('vendor_raw_customers') }}
