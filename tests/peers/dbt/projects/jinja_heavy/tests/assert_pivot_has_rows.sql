{{ config(severity='warn', tags=['jinja']) }}
{%- set required = ['order_id'] + var('payment_methods')[:2] %}
select 1 as failure
from {{ ref('payments_pivot') }}
having count(*) = 0 and {{ required | length }} > 0
