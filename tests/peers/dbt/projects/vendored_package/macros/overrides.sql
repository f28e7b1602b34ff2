{#- same name as vendor_pkg.cents_to_dollars: root nodes get this one when calling it
    unqualified; vendor_pkg nodes still get their own (local package first) -#}
{% macro cents_to_dollars(column_name, precision=2) -%}
    cast({{ column_name }} as decimal(18, {{ precision }})) / 100 /* root version */
{%- endmacro %}

{#- overrides vendor_pkg's dispatched macro: without a `dispatch:` config dbt searches
    [root project, vendor_pkg] for the 'vendor_pkg' namespace -#}
{% macro default__format_id(prefix, column_name) -%}
    upper('{{ prefix }}') || '#' || lpad(cast({{ column_name }} as varchar), 4, '0') /* root default */
{%- endmacro %}

{#- overrides dbt's built-in `concat` for every unqualified call, including vendor_pkg's models -#}
{% macro concat(fields) -%}
    concat_ws('', {{ fields | join(', ') }}) /* root concat */
{%- endmacro %}
