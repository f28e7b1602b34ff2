{#- root-project overrides for the shim_utils dispatch namespace -#}

{%- macro duckdb__surrogate_key(field_list) -%}
    {#- overrides the package's duckdb__ variant (root comes first in the search order) -#}
    md5({{ dbt.concat(field_list | map('string') | list) }}) /* root override */
{%- endmacro -%}

{%- macro default__coalesce_all() -%}
    {#- a root default__ beats the package's duckdb__: packages are searched before prefixes -#}
    coalesce({{ varargs | join(', ') }}) /* root default */
{%- endmacro -%}

{#- The root project's default__get_where_subquery replaces dbt's for every generic test:
    its `where` filter gets another alias, and tests without one still see the relation. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') where_filtered') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
