{#- every column is compared: check_cols='all' -#}
{% snapshot sensors_snapshot %}
{{ config(target_schema='snapshots', unique_key='sensor_id', strategy='check', check_cols='all') }}
select
    sensor_id,
    site,
    kind,
    firmware,
    {{ dbt.concat(["site", "'-'", "sensor_id"]) }} as sensor_key
from {{ ref('raw_sensors') }}
where kind in ('temperature', 'humidity')
{% endsnapshot %}
