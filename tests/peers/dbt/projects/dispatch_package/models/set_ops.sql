{% call shim_utils.wrap_cte('completed_customers') %}
    select customer_id from {{ ref('orders') }} where status = 'completed'
    {{ dbt.except() }}
    select customer_id from {{ ref('orders') }} where status = 'returned'
    {{ dbt.intersect() }}
    select customer_id from {{ ref('orders') }}
{% endcall %}
