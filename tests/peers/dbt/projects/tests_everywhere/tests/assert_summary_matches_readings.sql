{{ config(store_failures=true, error_if='>5', warn_if='>0') }}
with a as (select sum(reading_count) as n from {{ ref('sensor_summary') }}),
     b as (select count(*) as n from {{ source('iot', 'raw_readings') }})
select * from a cross join b where a.n <> b.n
