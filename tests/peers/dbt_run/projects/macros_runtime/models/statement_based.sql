{%- call statement('max_qty', fetch_result=True) -%}
  select max(qty) from {{ ref('orders') }}
{%- endcall -%}
{%- set top = load_result('max_qty')['data'][0][0] if execute else 0 -%}
select id, product from {{ ref('orders') }} where qty = {{ top }}
