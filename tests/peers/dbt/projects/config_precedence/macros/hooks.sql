{% macro log_run_end(kind) -%}
    select '{{ kind }}' as kind, '{{ var("run_label") }}' as run_label
{%- endmacro %}

{% macro audit_insert(label) -%}
    insert into {{ target.schema }}_audit.events values ('{{ label }}', '{{ this.identifier }}')
{%- endmacro %}
