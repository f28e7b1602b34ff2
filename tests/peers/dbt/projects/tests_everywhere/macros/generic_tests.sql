{#- custom generic tests defined in macros/ -#}

{% test is_positive(model, column_name, allow_zero=false) %}
select *
from {{ model }}
where {{ column_name }} {{ '<' if allow_zero else '<=' }} 0
{% endtest %}

{% test rows_above(model, n) %}
{#- model-level test: fails when the model has n rows or fewer -#}
select count(*) as row_count
from {{ model }}
having count(*) <= {{ n }}
{% endtest %}

{% test in_range(model, column_name, min_value, max_value, inclusive=true) %}
select *
from {{ model }}
where not (
    {{ column_name }} {{ '>=' if inclusive else '>' }} {{ min_value }}
    and {{ column_name }} {{ '<=' if inclusive else '<' }} {{ max_value }}
)
{% endtest %}

{% test mapped_values(model, column_name, mapping) %}
{#- dict argument: every value of the column must be a key of `mapping` -#}
select {{ column_name }}
from {{ model }}
where {{ column_name }} not in (
    {%- for key in mapping %}'{{ key }}'{{ ", " if not loop.last }}{% endfor -%}
)
{% endtest %}
