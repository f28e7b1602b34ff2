select count(*) as n, sum(price) as total from {{ ref('priced') }}
