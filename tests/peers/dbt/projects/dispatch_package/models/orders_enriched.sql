{%- set methods = shim_utils.payment_methods() -%}
{%- set spec = shim_utils.column_spec() -%}
select
    {{ shim_utils.surrogate_key(['order_id', 'customer_id']) }} as order_key,
    {{ shim_utils.default__surrogate_key(['order_id', 'status']) }} as order_key_default,
    {%- for col, dtype in spec.items() %}
    {{ dbt.safe_cast(col, dtype) }} as {{ col }}_typed,
    {%- endfor %}
    {{ format_money('amount') }} as amount_label,
    {{ format_money('amount', currency='USD') }} as amount_label_usd,
    {{ shim_utils.coalesce_all('note', "'(none)'", "''") }} as note,
    {{ shim_utils.pivot('payment_method', methods, prefix='paid_', agg='max') }},
    {{ shim_utils.pivot('status', ['completed', 'returned'], quote_identifiers=false, suffix=' Orders') }}
from {{ ref('orders') }}
where {{ shim_utils.build_filter(status=['completed', 'returned', 'placed'], customer_id=none) }}
   or {{ shim_utils.build_filter('or', order_id=1, note='first order') }}
group by all
