{%- set method_rows = [
    {'name': 'credit_card', 'fee_pct': 1.9, 'instant': true, 'region': 'global'},
    {'name': 'bank_transfer', 'fee_pct': 0.2, 'instant': false, 'region': 'eu'},
    {'name': 'gift_card', 'fee_pct': 0, 'instant': true, 'region': none},
    {'name': 'coupon', 'fee_pct': 0, 'instant': true, 'region': 'global'},
] -%}
{%- set instant = method_rows | selectattr('instant') | map(attribute='name') | list -%}
{%- set delayed = method_rows | rejectattr('instant') | map(attribute='name') | join(',') -%}
{%- set with_fee = method_rows | selectattr('fee_pct', 'gt', 0) | list -%}
{%- set regions = method_rows | map(attribute='region') | reject('none') | unique | sort | list -%}
{%- set by_fee = method_rows | sort(attribute='fee_pct', reverse=true) | map(attribute='name') | list %}
-- instant: {{ instant }}
-- delayed: {{ delayed }}
-- with fee: {{ with_fee | length }}, first {{ (with_fee | first).name }}, last {{ (with_fee | last)['name'] }}
-- regions: {{ regions | join('/') }}
-- by fee: {{ by_fee | join(' > ') }}
-- batches: {% for pair in method_rows | map(attribute='name') | batch(3, 'n/a') %}[{{ pair | join(' ') }}]{% endfor %}
select * from (values
{%- for row in method_rows %}
    ('{{ row.name }}', {{ row.fee_pct | round(1) }}, {{ row.instant | string | lower }}, {{ "'" ~ row.region ~ "'" if row.region is not none else 'null' }}){{ ',' if not loop.last }}
{%- endfor %}
) as t(method, fee_pct, is_instant, region)
