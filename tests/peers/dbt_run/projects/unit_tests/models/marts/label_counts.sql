select size, count(*) as n from {{ ref('order_labels') }} group by 1
