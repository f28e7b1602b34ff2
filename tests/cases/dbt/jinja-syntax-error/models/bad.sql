select *
from {{ ref("orders" }}
