{% macro cents_to_dollars(column_name, precision=2) -%}
    round({{ column_name }} / 100.0, {{ precision }}) /* vendor_pkg version */
{%- endmacro %}

{% macro format_id(prefix, column_name) -%}
    {{ return(adapter.dispatch('format_id', 'vendor_pkg')(prefix, column_name)) }}
{%- endmacro %}

{% macro default__format_id(prefix, column_name) -%}
    '{{ prefix }}-' || cast({{ column_name }} as varchar) /* vendor default */
{%- endmacro %}

{% macro vendor_currency() -%}
    '{{ var("vendor_currency") }}'
{%- endmacro %}
