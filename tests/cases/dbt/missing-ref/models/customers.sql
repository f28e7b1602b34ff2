-- customers of the shop
select o.id
from {{ ref("orders") }} o
join {{ ref("customrs") }} c on c.id = o.id
