select
    customer_id,
    {{ dbt.listagg('status', "', '", "order by order_id") }} as statuses,
    {{ dbt.listagg(measure='payment_method', delimiter_text="'|'", order_by_clause='order by payment_method', limit_num=2) }} as first_two_methods,
    {{ dbt.any_value('note') }} as any_note,
    {{ dbt.bool_or('is_gift') }} as has_gift,
    {{ shim_utils.running_sum_expr(['amount', 'order_id', 'customer_id']) }} as silly_sum,
    {{ shim_utils.running_sum_expr([]) }} as empty_sum
from {{ ref('orders') }}
group by customer_id
