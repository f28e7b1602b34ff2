-- current row of every customer, from the timestamp snapshot
select
    customer_id,
    name,
    email,
    tier,
    dbt_valid_from as tier_since
from {{ ref('customers_snapshot') }}
where dbt_valid_to is null
