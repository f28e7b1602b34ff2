{#- `graph` is dbt's flat graph once parsing is done (empty while parsing, hence the execute
    guard): the project's models with their materialization, its tests and its sources. -#}
{%- set models = [] -%}
{%- set tests = [] -%}
{%- set counts = {'sources': 0, 'exposures': 0, 'seeds': 0} -%}
{%- if execute -%}
  {%- for node in graph.nodes.values() -%}
    {%- if node.resource_type == 'model' -%}
      {%- do models.append(node.name ~ ':' ~ node.config.materialized) -%}
    {%- elif node.resource_type == 'test' -%}
      {%- do tests.append(node.test_metadata.name if node.test_metadata else node.name) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do counts.update({
        'sources': graph.sources | length,
        'exposures': graph.get('exposures', {}) | length,
        'seeds': graph.nodes.values() | selectattr('resource_type', 'equalto', 'seed') | list | length,
      }) -%}
{%- endif %}
select
  '{{ models | sort | join(", ") }}' as models,
  '{{ tests | unique | sort | join(", ") }}' as test_kinds,
  {{ counts.sources }} as sources,
  {{ counts.exposures }} as exposures,
  {{ counts.seeds }} as seeds
