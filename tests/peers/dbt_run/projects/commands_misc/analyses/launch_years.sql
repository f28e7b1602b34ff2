select extract(year from launched_on) as launch_year, count(*) as products
from {{ ref('products') }}
group by 1
order by 1
