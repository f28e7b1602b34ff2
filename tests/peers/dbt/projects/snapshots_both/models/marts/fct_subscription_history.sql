select
    s.subscription_id,
    s.status,
    s.valid_from,
    s.valid_to,
    s.valid_to = cast('9999-12-31' as timestamp) as is_current,
    coalesce(s.is_deleted, 'False') = 'True' as was_deleted,
    t.tier as customer_tier
from {{ ref('subscriptions_snapshot') }} as s
left join {{ ref('customer_tiers_snapshot') }} as t
    on s.customer_id = t.customer_id
    and t.dbt_valid_to is null
