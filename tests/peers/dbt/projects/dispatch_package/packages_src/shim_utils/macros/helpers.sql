{#- small helpers: kwargs, varargs, caller, namespace, return of lists and dicts -#}

{% macro slugify(text) -%}
    {{ return(adapter.dispatch('slugify', 'shim_utils')(text)) }}
{%- endmacro %}

{% macro default__slugify(text) -%}
    {%- set s = modules.re.sub('[^a-z0-9]+', '_', text | lower).strip('_') -%}
    {%- if modules.re.match('^[0-9]', s) -%}
        {%- set s = 'n_' ~ s -%}
    {%- endif -%}
    {{ return(s) }}
{%- endmacro %}

{% macro coalesce_all() -%}
    {{ return(adapter.dispatch('coalesce_all', 'shim_utils')(*varargs)) }}
{%- endmacro %}

{% macro default__coalesce_all() -%}
    coalesce({{ varargs | join(', ') }})
{%- endmacro %}

{% macro duckdb__coalesce_all() -%}
    coalesce({{ varargs | join(', ') }}, null)
{%- endmacro %}

{% macro build_filter(combine='and') -%}
    {{ return(adapter.dispatch('build_filter', 'shim_utils')(combine, **kwargs)) }}
{%- endmacro %}

{% macro default__build_filter(combine) -%}
    {%- set clauses = [] -%}
    {%- for key, value in kwargs | dictsort -%}
        {%- if value is none -%}
            {%- do clauses.append(key ~ ' is null') -%}
        {%- elif value is number -%}
            {%- do clauses.append(key ~ ' = ' ~ value) -%}
        {%- elif value is sequence and value is not string -%}
            {%- do clauses.append(key ~ " in ('" ~ value | join("', '") ~ "')") -%}
        {%- else -%}
            {%- do clauses.append(key ~ " = '" ~ value ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{- clauses | join(' ' ~ combine ~ ' ') if clauses else '1 = 1' -}}
{%- endmacro %}

{% macro wrap_cte(name) -%}
    {{ return(adapter.dispatch('wrap_cte', 'shim_utils')(name, caller=caller)) }}
{%- endmacro %}

{% macro default__wrap_cte(name) -%}
with {{ name }} as (
    {{ caller() | trim }}
)
select * from {{ name }}
{%- endmacro %}

{% macro running_sum_expr(columns) -%}
    {%- set ns = namespace(expr='', count=0) -%}
    {%- for c in columns -%}
        {%- set ns.expr = ns.expr ~ (' + ' if ns.count > 0 else '') ~ 'coalesce(' ~ c ~ ', 0)' -%}
        {%- set ns.count = ns.count + 1 -%}
    {%- endfor -%}
    {{ return(ns.expr if ns.count > 0 else '0') }}
{%- endmacro %}

{% macro payment_methods() -%}
    {{ return(['credit_card', 'coupon', "bank transfer", "gift'card"]) }}
{%- endmacro %}

{% macro column_spec() -%}
    {{ return({'order_id': dbt.type_int(), 'amount': dbt.type_numeric(), 'status': dbt.type_string()}) }}
{%- endmacro %}

{% macro literal_values(sql) -%}
    {#- runs a literal query; returns [] while parsing -#}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set result = run_query(sql) -%}
    {{ return(result.columns[0].values() | list) }}
{%- endmacro %}
