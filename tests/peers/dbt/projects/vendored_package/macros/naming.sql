{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set default_schema = target.schema -%}
    {%- if node.resource_type == 'seed' and custom_schema_name is none -%}
        {{ default_schema }}_seeds
    {%- elif custom_schema_name is none -%}
        {{ default_schema }}
    {%- elif target.name == 'prod' -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ default_schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
    {#- root override: applies to root nodes (vendor_pkg ships its own) -#}
    {%- if custom_alias_name -%}
        {{ custom_alias_name | trim | lower }}
    {%- elif node.resource_type == 'seed' -%}
        seed_{{ node.name }}
    {%- elif node.resource_type == 'model' and node.fqn[1] == 'marts' -%}
        {{ target.name }}_{{ node.name }}
    {%- else -%}
        {{ node.name }}
    {%- endif -%}
{%- endmacro %}
