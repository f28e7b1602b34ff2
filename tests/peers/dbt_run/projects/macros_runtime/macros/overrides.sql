{% macro default__label(column) -%}
  'root:' || {{ column }}
{%- endmacro %}

{% macro distinct_values(relation, column) %}
  {% set rows = run_query('select distinct ' ~ column ~ ' from ' ~ relation ~ ' order by 1') %}
  {{ return(rows.columns[0].values() | list if execute else []) }}
{% endmacro %}
