select {{ cents_to_dollars("amount") }} as amount
from {{ ref("orders") }}
