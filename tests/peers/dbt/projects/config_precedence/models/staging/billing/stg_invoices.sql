{{ config(post_hook=["select 'invoices in-file post' as hook", "{{ audit_insert('stg_invoices') }}"]) }}

select
    invoice_id,
    account_id,
    upper(currency) as currency,
    amount,
    invoiced_on,
    '{{ env_var("CP_BATCH_LABEL") }}' as batch_label,
    '{{ env_var("CP_TARGET_REGION", "eu-west-1") }}' as target_region,
    {{ var('batch_size') }} as batch_size,
    '{{ var("run_label") }}' as run_label
from {{ ref('billing_invoices') }}
where currency in (
    {%- for c in var('currencies') %}'{{ c }}'{{ ', ' if not loop.last }}{% endfor -%}
)
