{{ config(materialized='view') }}
select id, kind, 'view' as built_as from {{ ref('stg_events') }}
