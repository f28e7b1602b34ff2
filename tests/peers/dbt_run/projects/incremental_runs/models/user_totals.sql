{{ config(incremental_strategy='merge', unique_key=['user_id', 'kind']) }}
select user_id, kind, count(*) as events, sum(amount) as total
from {{ ref('events') }}
group by 1, 2
