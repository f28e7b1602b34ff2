-- ad-hoc: share of revenue per channel
select
    channel,
    sum(net_amount) as revenue,
    sum(net_amount) / sum(sum(net_amount)) over () as share
from {{ ref('fct_orders') }}
group by channel
order by revenue desc
