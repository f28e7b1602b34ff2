select kind, count(*) as n from {{ ref('switching') }} group by 1
