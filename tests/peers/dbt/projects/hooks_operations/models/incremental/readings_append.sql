{{ config(incremental_strategy='append', on_schema_change='fail', tags=['append_only']) }}
select
    reading_id,
    sensor_id,
    value,
    {{ "'incremental'" if is_incremental() else "'initial'" }} as load_kind
from {{ ref('stg_readings') }}
