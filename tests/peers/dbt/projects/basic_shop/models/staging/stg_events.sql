select
    event_id,
    customer_id,
    lower(event_type) as event_type,
    {# keep the raw timestamp too #}
    _loaded_at as loaded_at
from {{ source('shop_raw', 'events') }}
where event_type is not null



