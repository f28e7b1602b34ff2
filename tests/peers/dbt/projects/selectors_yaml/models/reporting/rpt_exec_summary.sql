{{ config(materialized='table', tags=['exec']) }}
select
    (select count(*) from {{ ref('rpt_account_health') }} where outstanding > 0) as accounts_owing,
    (select sum(revenue) from {{ ref('fct_revenue_monthly') }}) as total_revenue
