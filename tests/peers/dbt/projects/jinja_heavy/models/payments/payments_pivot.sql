{#- Pivot payment methods into columns; count what we generated with a namespace. -#}
{%- set methods = var('payment_methods') -%}
{%- set ns = namespace(n_columns=0, names=[], last_method=none) -%}
{%- for m in methods -%}
    {%- set ns.n_columns = ns.n_columns + 1 -%}
    {%- set ns.names = ns.names + [m ~ '_amount'] -%}
    {%- set ns.last_method = m -%}
{%- endfor %}
-- {{ ns.n_columns }} pivot columns, last one for {{ ns.last_method }}
-- columns: {{ ns.names | join(', ') }}
select
    order_id,
    {{ pivot_sum('method', methods, prefix='cents_') }},
    {%- for m in methods %}
    {{ loop.index }} as method_{{ loop.index0 }}_position{{ ',' if not loop.last }}{# {{ loop.length }} total #}
    {%- endfor %}
from {{ ref('stg_payments') }}
group by order_id
