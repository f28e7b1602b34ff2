{{ config(materialized='view') }}
select id, label from {{ ref('items') }}
