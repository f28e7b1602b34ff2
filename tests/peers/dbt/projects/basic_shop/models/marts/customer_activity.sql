{%- set event_types = ["page_view", "add_to_cart", "checkout"] -%}
select
    c.customer_id,
    {%- for et in event_types %}
    count(case when e.event_type = '{{ et }}' then 1 end) as {{ et }}_count{{ "," if not loop.last }}
    {%- endfor %}
from {{ ref('customers') }} as c
left join {{ ref('stg_events') }} as e
    on c.customer_id = e.customer_id
group by 1
