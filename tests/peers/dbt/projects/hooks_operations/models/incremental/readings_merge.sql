{{
    config(
        incremental_strategy='merge',
        unique_key=['sensor_id', 'read_day'],
        on_schema_change='append_new_columns',
        post_hook="select 'merged into {{ this }}' as note",
    )
}}
select
    sensor_id,
    cast(read_at as date) as read_day,
    avg(value) as avg_value,
    count(*) as n_readings
from {{ ref('stg_readings') }}
{% if is_incremental() %}
where cast(read_at as date) >= (select max(read_day) from {{ this }})
{% endif %}
group by 1, 2
