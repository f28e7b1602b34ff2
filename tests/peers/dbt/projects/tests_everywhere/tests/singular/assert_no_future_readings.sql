{{ config(severity='warn', tags=['freshness']) }}

-- readings must not be dated after the fixed cutoff
select *
from {{ ref('stg_readings') }}
where read_at > timestamp '2030-01-01 00:00:00'
