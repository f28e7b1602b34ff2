select country, count(*) as customers, sum(t.total_amount) as total_amount
from {{ ref('customer_totals') }} t
join {{ ref('stg_customers') }} c using (customer_id)
group by 1
