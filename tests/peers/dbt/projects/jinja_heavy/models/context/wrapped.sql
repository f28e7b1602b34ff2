{%- set renamed -%}
{{ select_renamed('p', payment_id='id', method='payment_method', amount='value') }}
{%- endset -%}
{% call wrap_comment('payments') %}
select
{{- renamed | indent(4) }}
from {{ ref('stg_payments') }} as p
{% endcall %}
