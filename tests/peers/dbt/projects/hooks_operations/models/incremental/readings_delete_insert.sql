{{
    config(
        incremental_strategy='delete+insert',
        unique_key='reading_id',
        incremental_predicates=["DBT_INTERNAL_DEST.read_at > cast('2024-01-01' as timestamp)"],
    )
}}
select reading_id, sensor_id, value, read_at
from {{ ref('stg_readings') }}
{% if is_incremental() %}
where read_at > (select max(read_at) from {{ this }})
{% endif %}
