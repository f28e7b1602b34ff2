select
    c.customer_id,
    c.customer_code,
    c.display_name,
    n.country_name,
    e.event_count,
    {{ cents_to_dollars('c.balance * 100') }} as balance_root_macro,
    {{ vendor_pkg.cents_to_dollars('c.balance * 100', precision=0) }} as balance_vendor_macro,
    {{ vendor_pkg.format_id('c', 'c.customer_id') }} as dispatched_code,
    {{ vendor_pkg.vendor_currency() }} as currency,
    {{ dbt.concat(["'x'", "'y'"]) }} as dbt_concat
from {{ ref('vendor_pkg', 'stg_vendor_customers') }} as c
left join {{ ref('vendor_customer_events') }} as e
    on c.customer_id = e.customer_id
left join {{ ref('stg_countries') }} as n
    on c.country = n.country
