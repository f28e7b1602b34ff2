{#- Ad-hoc analysis: revenue per month. Compiled, never run. -#}
select
    date_trunc('month', order_date) as order_month,
    {% for s in ['completed', 'shipped'] -%}
    sum(case when status = '{{ s }}' then amount end) as {{ s }}_revenue{% if not loop.last %},{% endif %}
    {% endfor %}
from {{ ref('orders') }}
group by 1
order by 1
