{#- A project-wide ref() override, as teams write to drop the database from every relation:
    models then render through this macro, not through the static ref path. -#}
{% macro ref() %}
  {%- set relation = builtins.ref(*varargs, **kwargs) -%}
  {{ return(relation.include(database=false)) }}
{% endmacro %}
