{{ config(post_hook="select count(*) from {{ ref('stg_orders') }}") }}
select 1 as id
