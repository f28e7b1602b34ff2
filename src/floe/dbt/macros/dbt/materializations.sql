{#- Materializations: how a node's compiled SQL becomes a relation. A new version is built
    beside the old one and swapped in by renames inside the node's transaction, so a failure
    (or an interrupt) leaves the previous version in place. -#}

{% materialization view, default %}
  {%- set target_relation = this.incorporate(type='view') -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {{ return(floe_build_and_swap(target_relation, intermediate_relation,
                                get_create_view_as_sql(intermediate_relation, sql))) }}
{% endmaterialization %}

{% materialization table, default %}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {{ return(floe_build_and_swap(target_relation, intermediate_relation,
                                get_create_table_as_sql(False, intermediate_relation, sql))) }}
{% endmaterialization %}

{#- Views and tables: `build_sql` creates the new version as `intermediate_relation`; the old
    one (of whatever type) is renamed to a backup, the new one into place, and the backup is
    dropped once committed. -#}
{% macro floe_build_and_swap(target_relation, intermediate_relation, build_sql) %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set preexisting_intermediate = load_cached_relation(intermediate_relation) -%}
  {%- set backup_type = existing_relation.type if existing_relation is not none else target_relation.type -%}
  {%- set backup_relation = make_backup_relation(target_relation, backup_type) -%}
  {%- set preexisting_backup = load_cached_relation(backup_relation) -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ drop_relation_if_exists(preexisting_intermediate) }}
  {{ drop_relation_if_exists(preexisting_backup) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% call statement('main') -%}
    {{ build_sql }}
  {%- endcall %}

  {% if existing_relation is not none %}
    {% do adapter.rename_relation(existing_relation, backup_relation) %}
  {% endif %}
  {% do adapter.rename_relation(intermediate_relation, target_relation) %}
  {% do persist_docs(target_relation, model) %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do adapter.commit() %}
  {{ drop_relation_if_exists(backup_relation if existing_relation is not none else none) }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmacro %}

{% materialization incremental, default %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set temp_relation = make_temp_relation(target_relation) -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set backup_type = existing_relation.type if existing_relation is not none else 'table' -%}
  {%- set backup_relation = make_backup_relation(target_relation, backup_type) -%}
  {%- set unique_key = config.get('unique_key') -%}
  {%- set full_refresh_mode = should_full_refresh() or (existing_relation is not none and existing_relation.is_view) -%}
  {%- set on_schema_change = incremental_validate_on_schema_change(config.get('on_schema_change'), default='ignore') -%}

  {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
  {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}
  {{ drop_relation_if_exists(load_cached_relation(temp_relation)) }}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% set to_drop = [] %}
  {% set need_swap = existing_relation is not none and full_refresh_mode %}
  {% if existing_relation is none %}
    {% set build_sql = get_create_table_as_sql(False, target_relation, sql) %}
  {% elif need_swap %}
    {% set build_sql = get_create_table_as_sql(False, intermediate_relation, sql) %}
  {% else %}
    {% call statement('create_temp') -%}
      {{ get_create_table_as_sql(False, temp_relation, sql) }}
    {%- endcall %}
    {% do adapter.cache_added(temp_relation.incorporate(type='table')) %}
    {% do to_drop.append(temp_relation.incorporate(type='table')) %}
    {% do adapter.expand_target_column_types(from_relation=temp_relation, to_relation=target_relation) %}
    {% set dest_columns = process_schema_changes(on_schema_change, temp_relation, existing_relation) %}
    {% if not dest_columns %}
      {% set dest_columns = adapter.get_columns_in_relation(existing_relation) %}
    {% endif %}
    {% set strategy = config.get('incremental_strategy') or 'default' %}
    {% set strategy_macro = adapter.dispatch('get_incremental_' ~ (strategy | replace('+', '_')) ~ '_sql', 'dbt') %}
    {% set build_sql = strategy_macro({'target_relation': target_relation, 'temp_relation': temp_relation,
                                       'unique_key': unique_key, 'dest_columns': dest_columns,
                                       'incremental_predicates': config.get('incremental_predicates')}) %}
  {% endif %}

  {% call statement('main') -%}
    {{ build_sql }}
  {%- endcall %}

  {% if need_swap %}
    {% do adapter.rename_relation(existing_relation, backup_relation) %}
    {% do adapter.rename_relation(intermediate_relation, target_relation) %}
    {% do to_drop.append(backup_relation) %}
  {% endif %}
  {% do persist_docs(target_relation, model) %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do adapter.commit() %}
  {% for relation in to_drop %}
    {% do adapter.drop_relation(relation) %}
  {% endfor %}
  {% do adapter.commit() %}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{% materialization seed, default %}
  {%- set full_refresh_mode = should_full_refresh() -%}
  {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=model['alias']) -%}
  {%- set agate_table = load_agate_table() -%}
  {%- do store_result('agate_table', response='OK', agate_table=agate_table) -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% if old_relation is not none and old_relation.is_view %}
    {{ exceptions.raise_compiler_error("Cannot seed to '{}', it is a view".format(old_relation)) }}
  {% elif old_relation is not none and not full_refresh_mode %}
    {% call statement('reset_seed') -%}
      truncate table {{ old_relation }}
    {%- endcall %}
  {% else %}
    {{ drop_relation_if_exists(old_relation) }}
    {% call statement('create_seed') -%}
      {{ create_csv_table(model, agate_table) }}
    {%- endcall %}
  {% endif %}

  {% set code = 'CREATE' if full_refresh_mode else 'INSERT' %}
  {% set rows_affected = (agate_table.rows | length) %}
  {% do load_csv_rows(model, agate_table) %}
  {% call noop_statement('main', code ~ ' ' ~ rows_affected, code, rows_affected) %}
    {{ this }}
  {% endcall %}

  {% set target_relation = this.incorporate(type='table') %}
  {% do adapter.cache_added(target_relation) %}
  {% do persist_docs(target_relation, model) %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do adapter.commit() %}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{% materialization test, default %}
  {% set relations = [] %}
  {% set limit = config.get('limit') %}
  {% set fail_calc = config.get('fail_calc') or 'count(*)' %}
  {% if should_store_failures() %}
    {%- set identifier = model['alias'] -%}
    {%- set store_as = config.get('store_failures_as') or 'table' -%}
    {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) -%}
    {%- set target_relation = api.Relation.create(identifier=identifier, schema=schema, database=database, type=store_as) -%}
    {{ drop_relation_if_exists(old_relation) }}
    {% call statement(auto_begin=True) -%}
      {% if store_as == 'view' %}
        {{ get_create_view_as_sql(target_relation, sql) }}
      {% else %}
        {{ get_create_table_as_sql(False, target_relation, sql) }}
      {% endif %}
    {%- endcall %}
    {% do adapter.cache_added(target_relation) %}
    {% do relations.append(target_relation) %}
    {% do adapter.commit() %}
    {% set main_sql = 'select * from ' ~ target_relation %}
  {% else %}
    {% set main_sql = sql %}
  {% endif %}

  {% call statement('main', fetch_result=True) -%}
    {{ get_test_sql(main_sql, fail_calc, config.get('warn_if') or '!= 0', config.get('error_if') or '!= 0', limit) }}
  {%- endcall %}
  {{ return({'relations': relations}) }}
{% endmaterialization %}

{% macro get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
  {{ adapter.dispatch('get_test_sql', 'dbt')(main_sql, fail_calc, warn_if, error_if, limit) }}
{%- endmacro %}

{% macro default__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
    select
      {{ fail_calc }} as failures,
      {{ fail_calc }} {{ warn_if }} as should_warn,
      {{ fail_calc }} {{ error_if }} as should_error
    from (
      {{ main_sql }}
      {{ "limit " ~ limit if limit != none }}
    ) dbt_internal_test
{%- endmacro %}
