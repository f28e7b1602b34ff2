{%- set columns = ['payment_id', 'order_id', 'method'] -%}
select
    {%- for c in columns %}
    {{ c }},
    {%- endfor %}
    {{ cents_to_amount('amount_cents') }} as amount,
    {{ cents_to_amount('amount_cents', precision=0) }} as amount_rounded,
    {{ cents_to_amount(column='amount_cents', divisor=1) }} as amount_cents_exact,
    '{{ var("currency") }}' as currency,
    '{{ env_var("JINJA_HEAVY_REGION") }}' as region,
    '{{ env_var("JINJA_HEAVY_UNSET_VAR", "default-region") }}' as fallback_region,
    cast(paid_on as date) as paid_on
from {{ ref('raw_payments') }}
