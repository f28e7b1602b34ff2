{{ config(materialized='incremental', unique_key='month', tags=['monthly']) }}
select date_trunc('month', issued_on) as month, sum(amount) as revenue
from {{ ref('fct_invoices') }}
{% if is_incremental() %}
where issued_on >= (select max(month) from {{ this }})
{% endif %}
group by 1
