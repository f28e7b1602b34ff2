{% macro customer_segment(country_column) -%}
case when {{ country_column }} in ('DE', 'FR', 'NL') then 'eu' else 'row' end
{%- endmacro %}
