{{ config(materialized='view') }}
select * from {{ ref('teams') }} where members > 0
