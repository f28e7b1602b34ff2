{% test dbt_utils_like_unique_pair(model) %}
select user_id, kind, count(*) from {{ model }} group by 1, 2 having count(*) > 1
{% endtest %}
