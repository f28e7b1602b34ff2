{{ config(materialized='view', meta={'tier': 0}, tags='hourly') }}
select account_id, sum(amount_eur) as revenue_eur
from {{ ref('fct_revenue') }}
group by account_id
