{{ config(alias='  Events_By_Type ') }}
select event_type, count(*) as n
from {{ source('vendor_src', 'events') }}
group by 1
