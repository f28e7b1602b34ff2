{%- set raw_name = '  Sensor_Readings-North  ' -%}
{%- set name = raw_name.strip() -%}
{%- set parts = name.replace('-', '_').split('_') -%}
{%- set sql_block -%}
    select '{{ name.upper() }}' as upper_name, '{{ name.lower() }}' as lower_name
{%- endset -%}
{%- set day = modules.datetime.date(2024, 1, 31) -%}
{%- set next_day = day + modules.datetime.timedelta(days=1) -%}
{%- set parsed = fromjson('{"limits": [1, 2, 3], "label": "x<y", "nested": {"ok": true}}') -%}
{%- set yaml_doc = fromyaml('site: north\nsensors:\n  - t-1\n  - h-1\nactive: yes\n') -%}
{%- set letters = set(['b', 'a', 'c', 'a', 'b']) | sort | list %}
{{ sql_block }},
    '{{ parts | join("|") }}' as parts,
    {{ parts | length }} as n_parts,
    '{{ name[:6] }}' as head,
    '{{ name[-5:] }}' as tail,
    '{{ name[::-1] }}' as reversed,
    '{{ parts[1:] | join(",") }}' as rest,
    {{ name.startswith('Sensor') }} as starts_with_sensor,
    {{ name.endswith('South') }} as ends_with_south,
    '{{ "{}-{}".format(parts[0], parts[-1]) }}' as fmt_positional,
    '{{ "{site}@{n:03d}".format(site="north", n=7) }}' as fmt_named,
    '{{ "%s:%05.1f" % ("temp", 21.456) }}' as percent_fmt,
    '{{ "%d items" % 3 }}' as percent_single,
    '{{ name | replace("_", " ") | title }}' as titled,
    '{{ "  padded  " | trim }}' as trimmed,
    '{{ day.strftime("%Y/%m/%d") }}' as day_fmt,
    '{{ next_day.isoformat() }}' as next_day,
    '{{ day.strftime("%A %B") }}' as day_names,
    {{ (next_day - day).days }} as delta_days,
    '{{ modules.re.sub("[^a-z]+", "_", name.lower()) }}' as re_sub,
    '{{ modules.re.findall("[A-Z]", name) | join("") }}' as re_capitals,
    '{{ modules.re.match("^(\\w+?)_", name).group(1) }}' as re_group,
    '{{ local_md5("north") }}' as md5_north,
    '{{ tojson(parsed) }}' as json_roundtrip,
    '{{ parsed | tojson }}' as json_filter,
    '{{ parsed.limits | sum }}' as json_sum,
    '{{ toyaml(yaml_doc) | replace("\n", " ; ") }}' as yaml_roundtrip,
    '{{ yaml_doc.active }}' as yaml_bool,
    '{{ letters | join("") }}' as set_sorted,
    '{% for a, b in zip(['x', 'y', 'z'], [1, 2, 3]) %}{{ a }}{{ b }}{% endfor %}' as zipped,
    '{{ "42" | int + 1 }}' as int_filter,
    '{{ 3.14159 | round(2) }}' as rounded,
    '{{ 7 | string ~ "!" }}' as stringified,
    '{{ [3, 1, 2] | sort | first }}' as smallest,
    '{{ "abc" | list | last }}' as last_char,
    '{{ "yes" if undefined_name is defined else "no" }}' as is_defined,
    '{{ [1, 2] is sequence }}/{{ {"a": 1} is mapping }}/{{ 1.5 is number }}/{{ none is none }}' as tests
{% filter upper %}
    , 'shouted text' as shouted
{% endfilter %}
    , '{% raw %}{{ not rendered }}{% endraw %}' as raw_text
    , '{{ describe_args(1) }}' as args_min
    , '{{ describe_args(1, 2, 3, 4, extra="e") }}' as args_max
    , {{ coalesce_all('null', "'b'", "'c'") }} as first_non_null
