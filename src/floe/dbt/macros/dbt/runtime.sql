{#- Running SQL from templates: statement blocks, run_query, is_incremental. -#}

{%- macro statement(name=None, fetch_result=False, auto_begin=True, language='sql') -%}
  {%- if execute: -%}
    {%- set compiled_code = caller() -%}
    {%- if name == 'main' -%}
      {{ write(compiled_code) }}
    {%- endif -%}
    {%- set res, table = adapter.execute(compiled_code, auto_begin=auto_begin, fetch=fetch_result) -%}
    {%- if name is not none -%}
      {{ store_result(name, response=res, agate_table=table) }}
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}

{% macro noop_statement(name=None, message=None, code=None, rows_affected=None, res=None) -%}
  {%- set sql = caller() -%}
  {%- if name is not none -%}
    {{ store_raw_result(name, message=message, code=code, rows_affected=rows_affected, agate_table=res) }}
  {%- endif -%}
{%- endmacro %}

{% macro run_query(sql) %}
  {% call statement("run_query_statement", fetch_result=true, auto_begin=false) %}
    {{ sql }}
  {% endcall %}
  {% do return(load_result("run_query_statement").table) %}
{% endmacro %}

{% macro is_incremental() %}
    {% if not execute %}
        {{ return(False) }}
    {% else %}
        {% set relation = adapter.get_relation(this.database, this.schema, this.table) %}
        {{ return(relation is not none
                  and relation.type == 'table'
                  and model.config.materialized == 'incremental'
                  and not should_full_refresh()) }}
    {% endif %}
{% endmacro %}

{#- dbt show: the node's SQL with the preview's limit. -#}
{% macro get_show_sql(compiled_code, sql_header, limit) -%}
  {%- if sql_header is not none -%}
  {{ sql_header }}
  {% endif -%}
  {{ get_limit_subquery_sql(compiled_code, limit) }}
{%- endmacro %}

{% macro get_limit_subquery_sql(sql, limit) -%}
  {{ adapter.dispatch('get_limit_sql', 'dbt')(sql, limit) }}
{%- endmacro %}

{% macro default__get_limit_sql(sql, limit) -%}
  {{ sql }}
  {%- if limit is not none %}
  limit {{ limit }}
  {%- endif -%}
{%- endmacro %}

{#- dbt source freshness: the newest load time of a source and the database's current time. -#}
{% macro collect_freshness(source, loaded_at_field, filter) -%}
  {{ return(adapter.dispatch('collect_freshness', 'dbt')(source, loaded_at_field, filter)) }}
{%- endmacro %}

{% macro default__collect_freshness(source, loaded_at_field, filter) %}
  {% call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
    select max({{ loaded_at_field }}) as max_loaded_at, {{ current_timestamp() }} as snapshotted_at
    from {{ source }}
    {%- if filter %}
    where {{ filter }}
    {%- endif %}
  {%- endcall %}
  {{ return(load_result('collect_freshness')) }}
{% endmacro %}

{% macro collect_freshness_custom_sql(source, loaded_at_query) -%}
  {{ return(adapter.dispatch('collect_freshness_custom_sql', 'dbt')(source, loaded_at_query)) }}
{%- endmacro %}

{% macro default__collect_freshness_custom_sql(source, loaded_at_query) %}
  {% call statement('collect_freshness_custom_sql', fetch_result=True, auto_begin=False) -%}
    with source_query as (
      {{ loaded_at_query }}
    )
    select (select * from source_query) as max_loaded_at, {{ current_timestamp() }} as snapshotted_at
  {%- endcall %}
  {{ return(load_result('collect_freshness_custom_sql')) }}
{% endmacro %}
