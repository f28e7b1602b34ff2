-- orders, one per country
select code as order_id, name as country from {{ source('app', 'raw_orders') }}
