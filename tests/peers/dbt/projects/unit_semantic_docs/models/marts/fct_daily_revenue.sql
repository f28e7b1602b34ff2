{{ config(materialized='incremental', unique_key='ordered_at') }}

select
    ordered_at,
    sum(net_amount) as revenue,
    count(*) as orders
from {{ ref('fct_orders') }}
{% if is_incremental() %}
where ordered_at > (select max(ordered_at) from {{ this }})
{% endif %}
group by ordered_at
