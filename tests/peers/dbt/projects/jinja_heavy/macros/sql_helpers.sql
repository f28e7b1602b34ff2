{#- Helpers with default arguments, *varargs and **kwargs. -#}

{% macro cents_to_amount(column, precision=2, divisor=100) -%}
    round(cast({{ column }} as double) / {{ divisor }}, {{ precision }})
{%- endmacro %}

{% macro pivot_sum(column, values, value_column='amount_cents', prefix='', quote_values=true) -%}
    {%- for v in values %}
    sum(case when {{ column }} = {{ "'" ~ v ~ "'" if quote_values else v }} then {{ value_column }} else 0 end) as {{ prefix ~ v | replace('-', '_') }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{% macro coalesce_all() -%}
    coalesce({{ varargs | join(', ') }})
{%- endmacro %}

{% macro select_renamed(relation_alias) -%}
    {%- for old, new in kwargs.items() | sort %}
    {{ relation_alias }}.{{ old }} as {{ new }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro describe_args(first, second='two') -%}
    {{ first }}|{{ second }}|{{ varargs | length }}|{{ kwargs | length }}
{%- endmacro %}
