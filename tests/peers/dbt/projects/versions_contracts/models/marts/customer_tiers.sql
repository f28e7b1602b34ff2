{{ config(materialized='view', docs={'show': false}) }}
select customer_tier, count(*) as customers
from {{ ref('dim_customers', version=2) }}
group by 1
