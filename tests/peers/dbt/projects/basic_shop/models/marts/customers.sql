{{ config(materialized='table', tags=['core']) }}

{#- customer-level rollup, one row per customer -#}
{%- set status_columns = {'completed': 'completed_orders', 'returned': 'returned_orders'} -%}

with customers as (
    select * from {{ ref('stg_customers') }}
),

orders as (
    select * from {{ ref('orders') }}
),

customer_orders as (
    select
        customer_id,
        min(order_date) as first_order,
        max(order_date) as most_recent_order,
        count(order_id) as number_of_orders,
        {%- for status, column in status_columns.items() %}
        sum(case when status = '{{ status }}' then 1 else 0 end) as {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from orders
    group by customer_id
),

customer_payments as (
    select
        orders.customer_id,
        sum(amount) as total_amount
    from orders
    group by orders.customer_id
),

final as (
    select
        customers.customer_id,
        customers.first_name,
        customers.last_name,
        customer_orders.first_order,
        customer_orders.most_recent_order,
        customer_orders.number_of_orders,
        {% for column in status_columns.values() -%}
        coalesce(customer_orders.{{ column }}, 0) as {{ column }},
        {% endfor -%}
        customer_payments.total_amount as customer_lifetime_value
    from customers
    left join customer_orders
        on customers.customer_id = customer_orders.customer_id
    left join customer_payments
        on customers.customer_id = customer_payments.customer_id
)

select * from final
