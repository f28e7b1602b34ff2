{% test row_count_positive(model) %}
select 1 as failure from {{ model }} having count(*) = 0
{% endtest %}
