{%- set site_meta = {
    'north': {
        'lat': 52.37,
        'active': true,
        'tags': ['coastal', 'windy'],
    },
    'south': {'lat': 48.14, 'active': true, 'tags': []},
    'east': {
        'lat': 51.05, 'active': false,
        'tags': ['inland'],
    },
} -%}
{%- set thresholds = var('sensor_config')['thresholds'] -%}
{%- set ns = namespace(active=[], skipped=0) -%}
{%- for site, meta in site_meta.items() -%}
    {%- if not meta.active -%}
        {%- set ns.skipped = ns.skipped + 1 -%}
        {%- continue -%}
    {%- endif -%}
    {%- do ns.active.append(site) -%}
{%- endfor -%}
{%- set all_tags = [] -%}
{%- for meta in site_meta.values() -%}{%- do all_tags.extend(meta.tags) -%}{%- endfor %}
-- active sites: {{ ns.active | join(', ') }}; skipped {{ ns.skipped }}
-- tags: {{ all_tags | sort | join(' ') }} ({{ all_tags | length }})
select
    r.reading_id,
    r.sensor_id,
    r.site,
    r.metric,
    r.value,
    case r.metric
    {%- for metric, limit in thresholds.items() %}
        when '{{ metric }}' then r.value > {{ limit }}
        {%- if loop.index >= 2 %}{% break %}{% endif %}
    {%- endfor %}
        else false
    end as over_limit,
    case r.site
    {%- for site in site_meta | sort %}
        when '{{ site }}' then '{{ loop.cycle("odd", "even") }}'
    {%- endfor %}
    end as site_parity
from {{ ref('raw_readings') }} as r
where r.site in ({% for s in ns.active %}'{{ s }}'{{ ', ' if not loop.last }}{% endfor %})
