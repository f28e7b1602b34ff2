{{ config(alias='clicks_per_day') }}
select cast(happened_at as date) as day, count(*) as clicks from {{ ref('clicks') }} group by 1
