{% test dbt_utils_free_row_count_check(model, min_rows) %}
with counted as (
    select count(*) as n from {{ model }}
)
select * from counted where n < {{ min_rows }}
{% endtest %}
