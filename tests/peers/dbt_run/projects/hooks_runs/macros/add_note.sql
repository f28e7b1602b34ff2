{% macro add_note(text, n=1) %}
  {% do run_query("insert into " ~ target.schema ~ ".audit values ('op', '" ~ text ~ n ~ "')") %}
  {{ log("noted " ~ text, info=true) }}
{% endmacro %}
