{% test matches_pattern(model, column_name, pattern, flags='') %}
select {{ column_name }}
from {{ model }}
where not regexp_matches({{ column_name }}, '{{ pattern }}'{% if flags %}, '{{ flags }}'{% endif %})
{% endtest %}
