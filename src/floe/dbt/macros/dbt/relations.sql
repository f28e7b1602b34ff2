{#- Relations and the SQL that creates, swaps and drops them. Every macro here dispatches, so an
    adapter or a project can replace one piece (create_table_as, create_schema, …) alone. -#}

{% macro make_temp_relation(base_relation, suffix='__dbt_tmp') %}
  {{ return(adapter.dispatch('make_temp_relation', 'dbt')(base_relation, suffix)) }}
{% endmacro %}

{% macro default__make_temp_relation(base_relation, suffix) %}
  {{ return(base_relation.incorporate(path={"identifier": base_relation.identifier ~ suffix})) }}
{% endmacro %}

{% macro make_intermediate_relation(base_relation, suffix='__dbt_tmp') %}
  {{ return(adapter.dispatch('make_intermediate_relation', 'dbt')(base_relation, suffix)) }}
{% endmacro %}

{% macro default__make_intermediate_relation(base_relation, suffix) %}
  {{ return(default__make_temp_relation(base_relation, suffix)) }}
{% endmacro %}

{% macro make_backup_relation(base_relation, backup_relation_type, suffix='__dbt_backup') %}
  {{ return(adapter.dispatch('make_backup_relation', 'dbt')(base_relation, backup_relation_type, suffix)) }}
{% endmacro %}

{% macro default__make_backup_relation(base_relation, backup_relation_type, suffix) %}
  {{ return(base_relation.incorporate(path={"identifier": base_relation.identifier ~ suffix},
                                      type=backup_relation_type)) }}
{% endmacro %}

{% macro load_cached_relation(relation) %}
  {{ return(adapter.get_relation(database=relation.database, schema=relation.schema,
                                 identifier=relation.identifier)) }}
{% endmacro %}

{% macro load_relation(relation) %}
  {{ return(load_cached_relation(relation)) }}
{% endmacro %}

{% macro drop_relation_if_exists(relation) %}
  {% if relation is not none %}
    {{ adapter.drop_relation(relation) }}
  {% endif %}
{% endmacro %}

{% macro create_schema(relation) -%}
  {{ adapter.dispatch('create_schema', 'dbt')(relation) }}
{% endmacro %}

{% macro default__create_schema(relation) -%}
  {%- call statement('create_schema') -%}
    create schema if not exists {{ relation.without_identifier() }}
  {% endcall %}
{% endmacro %}

{% macro drop_schema(relation) -%}
  {{ adapter.dispatch('drop_schema', 'dbt')(relation) }}
{% endmacro %}

{% macro default__drop_schema(relation) -%}
  {%- call statement('drop_schema') -%}
    drop schema if exists {{ relation.without_identifier() }} cascade
  {% endcall %}
{% endmacro %}

{#- The schema of a node the run builds, created before any node runs. -#}
{% macro floe_create_run_schema(relation) %}
  {% do adapter.create_schema(relation) %}
{% endmacro %}

{% macro get_create_table_as_sql(temporary, relation, sql) -%}
  {{ adapter.dispatch('get_create_table_as_sql', 'dbt')(temporary, relation, sql) }}
{%- endmacro %}

{% macro default__get_create_table_as_sql(temporary, relation, sql) -%}
  {{ return(create_table_as(temporary, relation, sql)) }}
{% endmacro %}

{% macro create_table_as(temporary, relation, compiled_code, language='sql') -%}
  {{ adapter.dispatch('create_table_as', 'dbt')(temporary, relation, compiled_code) }}
{%- endmacro %}

{% macro default__create_table_as(temporary, relation, sql) -%}
  {%- set sql_header = config.get('sql_header', none) -%}
  {%- set contract = config.get('contract') -%}
  {{ sql_header if sql_header is not none }}
  {%- if contract and contract.enforced and not temporary %}
  {{ get_assert_columns_equivalent(sql) }}
  create table {{ relation }} {{ get_table_columns_and_constraints() }};
  insert into {{ relation }} (
    {{ get_select_subquery(sql) }}
  );
  {%- else %}
  create {% if temporary %}temporary {% endif %}table {{ relation }} as (
    {{ sql }}
  );
  {%- endif %}
{%- endmacro %}

{% macro get_create_view_as_sql(relation, sql) -%}
  {{ adapter.dispatch('get_create_view_as_sql', 'dbt')(relation, sql) }}
{%- endmacro %}

{% macro default__get_create_view_as_sql(relation, sql) -%}
  {{ return(create_view_as(relation, sql)) }}
{% endmacro %}

{% macro create_view_as(relation, sql) -%}
  {{ adapter.dispatch('create_view_as', 'dbt')(relation, sql) }}
{%- endmacro %}

{% macro default__create_view_as(relation, sql) -%}
  {%- set sql_header = config.get('sql_header', none) -%}
  {{ sql_header if sql_header is not none }}
  {%- set contract = config.get('contract') -%}
  {%- if contract and contract.enforced %}
  {{ get_assert_columns_equivalent(sql) }}
  {%- endif %}
  create view {{ relation }} as (
    {{ sql }}
  );
{%- endmacro %}

{% macro persist_docs(relation, model, for_relation=true, for_columns=true) -%}
  {{ return(adapter.dispatch('persist_docs', 'dbt')(relation, model, for_relation, for_columns)) }}
{% endmacro %}

{% macro default__persist_docs(relation, model, for_relation, for_columns) -%}
{% endmacro %}

{% macro should_full_refresh() %}
  {% set config_full_refresh = config.get('full_refresh') %}
  {% if config_full_refresh is none %}
    {% set config_full_refresh = flags.FULL_REFRESH %}
  {% endif %}
  {% do return(config_full_refresh) %}
{% endmacro %}

{#- Hooks of one side of the node's transaction; those outside it run after a commit. -#}
{% macro run_hooks(hooks, inside_transaction=True) %}
  {% for hook in hooks | selectattr('transaction', 'equalto', inside_transaction) %}
    {% if not inside_transaction and loop.first %}
      {% do adapter.commit() %}
    {% endif %}
    {% set rendered = render(hook.get('sql')) | trim %}
    {% if (rendered | length) > 0 %}
      {% call statement(auto_begin=inside_transaction) %}
        {{ rendered }}
      {% endcall %}
    {% endif %}
  {% endfor %}
{% endmacro %}

{#- docs generate: the relations and columns of one schema (table_name, table_type,
    column_name, data_type, ordinal_position), from the information schema. -#}
{% macro floe_catalog_sql(database, schema) -%}
  {{ return(adapter.dispatch('floe_catalog_sql', 'dbt')(database, schema)) }}
{%- endmacro %}

{% macro default__floe_catalog_sql(database, schema) -%}
  {% set sql -%}
    select t.table_name, t.table_type, c.column_name, c.data_type, c.ordinal_position
    from information_schema.tables t
    join information_schema.columns c on c.table_catalog = t.table_catalog
      and c.table_schema = t.table_schema and c.table_name = t.table_name
    where lower(t.table_schema) = lower('{{ schema }}')
      {%- if database %} and lower(t.table_catalog) = lower('{{ database }}'){% endif %}
    order by t.table_name, c.ordinal_position
  {%- endset %}
  {{ return(sql) }}
{%- endmacro %}
