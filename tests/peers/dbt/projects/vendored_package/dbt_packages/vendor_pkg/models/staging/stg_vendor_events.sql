{{ config(alias='vendor_events_clean') }}
select
    event_id,
    customer_id,
    event_type
from {{ source('vendor_src', 'events') }}
