{{ config(materialized='table') }}
select id, kind, 'table' as built_as from {{ ref('stg_events') }}
