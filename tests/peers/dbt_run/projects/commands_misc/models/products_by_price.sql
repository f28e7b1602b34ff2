select sku, name, price, launched_on, price >= 50 as premium
from {{ ref('products') }}
order by price desc
