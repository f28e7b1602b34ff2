{%- set sites = site_list() %}
-- typed: {{ typed_label(sites) }} {{ typed_label(none) }} {{ typed_label('x') }} {{ typed_label({}) }} {{ typed_label(3.5) }}
{% call(site, idx) union_sites(sites) -%}
select
    '{{ site }}' as site,
    {{ idx }} as site_rank,
    '{{ loop_color | default("n/a") }}' as color,
    count(*) as readings
from {{ ref('raw_readings') }}
where site = '{{ site }}'
{%- endcall %}
