{% test has_rows(model, at_least=1) %}
select count(*) as n from {{ model }} having count(*) < {{ at_least }}
{% endtest %}
