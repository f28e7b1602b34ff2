{% macro audit_event(name) -%}
insert into {{ target.schema }}_{{ var('audit_schema') }}.run_log values ('{{ name }}', '{{ target.name }}')
{%- endmacro %}

{% macro log_model(relation) -%}
insert into {{ target.schema }}_{{ var('audit_schema') }}.model_log values ('{{ relation.identifier }}', '{{ relation.schema }}')
{%- endmacro %}

{% macro summarize_results(results) -%}
    {%- if execute -%}
        {%- for r in results -%}
            {% do log(r.node.unique_id ~ ' ' ~ r.status, info=True) %}
        {%- endfor -%}
    {%- endif -%}
    select {{ results | length }} as nodes_run
{%- endmacro %}

{% macro grant_select(relation, role) -%}
    {#- duckdb has no GRANT; keep it a no-op comment that still shows the rendered target -#}
    select '{{ relation }}' as granted_on, '{{ role }}' as grantee
{%- endmacro %}
