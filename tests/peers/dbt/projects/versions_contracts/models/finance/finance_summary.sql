{{ config(access='public') }}
select currency, sum(amount) as total_amount
from {{ ref('fct_orders') }}
group by currency
