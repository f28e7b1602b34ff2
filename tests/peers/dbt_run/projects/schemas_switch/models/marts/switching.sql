{{ config(materialized='view') }}
select id, kind from {{ ref('stg_events') }}
