select count(*) as n from {{ ref('fct_revenue') }}
