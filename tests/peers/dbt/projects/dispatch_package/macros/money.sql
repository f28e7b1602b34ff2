{# root-project macro dispatched without a namespace #}
{% macro format_money(column, currency='EUR') %}
    {{- return(adapter.dispatch('format_money')(column, currency)) -}}
{% endmacro %}

{% macro default__format_money(column, currency) -%}
    cast({{ column }} as {{ dbt.type_numeric() }}) || ' {{ currency }}'
{%- endmacro %}

{% macro duckdb__format_money(column, currency) -%}
    printf('%.2f {{ currency }}', {{ column }})
{%- endmacro %}
