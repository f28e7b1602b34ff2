{#- toyaml against PyYAML's safe_dump: scalars that need quotes, nesting, lists of maps -#}
{%- set doc = {
    'name': 'orders',
    'empty': '',
    'looks_bool': 'yes',
    'looks_int': '42',
    'looks_float': '1.5',
    'a_date': '2024-01-31',
    'colon': 'a: b',
    'hash': 'x #y',
    'dash': '- item',
    'quote': "it's",
    'tab': 'a\tb',
    'int': 7,
    'float': 2.5,
    'big': 1e20,
    'none': none,
    'flag': false,
    'nested': {'inner': {'deep': [1, 2]}, 'list_of_maps': [{'a': 1, 'b': 'two'}, {'c': []}]},
    'lists': [[1, 2], ['x'], []],
    'empty_map': {},
} -%}
select
{%- for line in toyaml(doc).split('\n') %}
    '{{ line | replace("'", "''") }}' as line_{{ loop.index }},
{%- endfor %}
    '{{ toyaml('plain') | replace("\n", "|") }}' as root_plain,
    '{{ toyaml('123') | replace("\n", "|") | replace("'", "''") }}' as root_quoted,
    '{{ toyaml(3) | replace("\n", "|") }}' as root_int,
    {{ toyaml(doc, sort_keys=true) | length }} as sorted_length
