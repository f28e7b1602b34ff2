{%- set cfg = var('sensor_config') -%}
{%- set spec = metric_spec() -%}
{%- set units = cfg.get('units', {}) -%}
{%- set extra = cfg.get('extra_units', {'voltage': 'volt'}) -%}
{%- set merged = {} -%}
{%- do merged.update(units) -%}
{%- do merged.update(extra) -%}
{%- set dropped = merged.pop('voltage') -%}
{%- set owner = cfg['owner'] %}
-- keys: {{ merged.keys() | list | sort | join(', ') }} (dropped {{ dropped }})
-- owner team {{ owner.team }}, oncall {{ owner.oncall | default('nobody', true) }}, missing {{ owner.pager | default('n/a') }}
-- spec as json: {{ tojson(spec) }}
-- lookback via project-scoped var: {{ var('lookback_days') }}, absent var default: {{ var('not_set', 7) }}
select * from (values
{%- for metric, s in spec | dictsort %}
    ('{{ metric }}', '{{ s.unit }}', {{ s.limit }}, '{{ typed_label(s.limit) }}'){% if not loop.last %},{% endif %}
{%- endfor %}
) as t(metric, unit, upper_limit, limit_type)
