{% macro label(column) -%}
  {{ return(adapter.dispatch('label', 'helpers')(column)) }}
{%- endmacro %}

{% macro default__label(column) -%}
  'pkg:' || {{ column }}
{%- endmacro %}

{% macro columns_csv(relation) -%}
  {%- set cols = adapter.get_columns_in_relation(relation) -%}
  {{ return(cols | map(attribute='name') | join(', ')) }}
{%- endmacro %}
