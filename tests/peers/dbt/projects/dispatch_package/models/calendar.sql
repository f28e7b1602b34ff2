{{ config(materialized='table') }}
{{ dbt.date_spine('day', "cast('2024-02-25' as date)", "cast('2024-03-03' as date)") }}
