{%- set products = distinct_values(ref('orders'), 'product') %}
select
{%- for p in products %}
  sum(case when product = '{{ p }}' then qty else 0 end) as {{ p }}_qty{{ ',' if not loop.last }}
{%- endfor %}
{%- if not products %} 0 as nothing{% endif %}
from {{ ref('orders') }}
