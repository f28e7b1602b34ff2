{% test not_empty_string(model, column_name, trim_whitespace=true) %}
    select {{ column_name }}
    from {{ model }}
    where {% if trim_whitespace %}trim({{ column_name }}){% else %}{{ column_name }}{% endif %} = ''
{% endtest %}

{% test has_columns(model, columns) %}
{#- model-level test with a list argument -#}
select 1 as missing
where false
{%- for c in columns %}
   or '{{ c }}' is null
{%- endfor %}
{% endtest %}
