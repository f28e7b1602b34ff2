select id, name, tier from {{ ref('customers_snapshot') }} where dbt_valid_to is null
