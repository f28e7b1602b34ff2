{#- Macros meant for `dbt run-operation`; nothing in the project calls them. -#}
{% macro drop_audit_schema(dry_run=true) %}
    {% set sql %}drop schema if exists {{ target.schema }}_{{ var('audit_schema') }} cascade{% endset %}
    {% if dry_run %}
        {% do log('would run: ' ~ sql, info=True) %}
    {% else %}
        {% do run_query(sql) %}
    {% endif %}
{% endmacro %}

{% macro vacuum_models(models) %}
    {% for m in models %}
        {% do run_query('checkpoint') %}
        {% do log('checkpointed after ' ~ m, info=True) %}
    {% endfor %}
{% endmacro %}
