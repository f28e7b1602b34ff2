{% macro describe_methods() %}
    {# run-operation only: dbt run-operation describe_methods #}
    {% for m in var('payment_methods') %}
        {% do log('payment method: ' ~ m, info=True) %}
    {% endfor %}
{% endmacro %}
