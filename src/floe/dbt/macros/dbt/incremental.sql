{#- Incremental models: the strategies (the SQL that merges a run's new rows into the table) and
    on_schema_change. -#}

{% macro incremental_validate_on_schema_change(on_schema_change, default='ignore') %}
  {% if on_schema_change not in ['sync_all_columns', 'append_new_columns', 'fail', 'ignore'] %}
    {% if on_schema_change is not none %}
      {{ log("Invalid value for on_schema_change (" ~ on_schema_change ~ ") specified. Setting default value of " ~ default ~ ".", info=true) }}
    {% endif %}
    {{ return(default) }}
  {% else %}
    {{ return(on_schema_change) }}
  {% endif %}
{% endmacro %}

{#- Compares the run's columns with the table's: what is new, what is gone, what changed type. -#}
{% macro floe_schema_changes(source_relation, target_relation) %}
  {%- set source_columns = adapter.get_columns_in_relation(source_relation) -%}
  {%- set target_columns = adapter.get_columns_in_relation(target_relation) -%}
  {%- set target_types = {} -%}
  {%- for c in target_columns -%}{%- do target_types.update({c.name | lower: c.data_type}) -%}{%- endfor -%}
  {%- set source_names = source_columns | map(attribute='name') | map('lower') | list -%}
  {%- set added = [] -%}
  {%- set changed = [] -%}
  {%- for c in source_columns -%}
    {%- if (c.name | lower) not in target_types -%}
      {%- do added.append(c) -%}
    {%- elif target_types[c.name | lower] != c.data_type -%}
      {%- do changed.append(c) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set removed = [] -%}
  {%- for c in target_columns -%}
    {%- if (c.name | lower) not in source_names -%}{%- do removed.append(c) -%}{%- endif -%}
  {%- endfor -%}
  {{ return({'changed': (added or removed or changed) | length > 0, 'added': added,
             'removed': removed, 'type_changed': changed, 'source_columns': source_columns}) }}
{% endmacro %}

{% macro process_schema_changes(on_schema_change, source_relation, target_relation) %}
  {% if on_schema_change == 'ignore' %}
    {{ return(none) }}
  {% endif %}
  {% set changes = floe_schema_changes(source_relation, target_relation) %}
  {% if not changes['changed'] %}
    {{ return(none) }}
  {% endif %}
  {% if on_schema_change == 'fail' %}
    {{ exceptions.raise_compiler_error(
        "The source and target schemas on this incremental model are out of sync!\n"
        ~ "They can be reconciled in several ways:\n"
        ~ "  - set the `on_schema_change` config to `append_new_columns` or `sync_all_columns`.\n"
        ~ "  - Re-run the incremental model with `full_refresh: True` to update the target schema.\n"
        ~ "  - update the schema manually and re-run the process.") }}
  {% endif %}
  {% for c in changes['added'] %}
    {% call statement('add_column') -%}
      alter table {{ target_relation }} add column {{ adapter.quote(c.name) }} {{ c.data_type }}
    {%- endcall %}
  {% endfor %}
  {% if on_schema_change == 'sync_all_columns' %}
    {% for c in changes['removed'] %}
      {% call statement('drop_column') -%}
        alter table {{ target_relation }} drop column {{ adapter.quote(c.name) }}
      {%- endcall %}
    {% endfor %}
    {% for c in changes['type_changed'] %}
      {% call statement('alter_column_type') -%}
        alter table {{ target_relation }} alter column {{ adapter.quote(c.name) }} type {{ c.data_type }}
      {%- endcall %}
    {% endfor %}
  {% endif %}
  {{ log(on_schema_change ~ ": added " ~ changes['added'] | map(attribute='name') | list ~ (", removed " ~ changes['removed'] | map(attribute='name') | list if on_schema_change == 'sync_all_columns' else '')) }}
  {{ return(adapter.get_columns_in_relation(target_relation)) }}
{% endmacro %}

{% macro get_quoted_csv(column_names) %}
  {% set quoted = [] %}
  {% for col in column_names -%}
    {% do quoted.append(adapter.quote(col)) %}
  {%- endfor %}
  {{ return(quoted | join(', ')) }}
{% endmacro %}

{% macro floe_unique_keys(unique_key) %}
  {{ return(unique_key if unique_key is sequence and unique_key is not string else [unique_key]) }}
{% endmacro %}

{% macro get_incremental_default_sql(arg_dict) %}
  {{ return(adapter.dispatch('get_incremental_default_sql', 'dbt')(arg_dict)) }}
{% endmacro %}

{% macro default__get_incremental_default_sql(arg_dict) %}
  {{ return(get_incremental_append_sql(arg_dict)) }}
{% endmacro %}

{% macro get_incremental_append_sql(arg_dict) %}
  {{ return(adapter.dispatch('get_incremental_append_sql', 'dbt')(arg_dict)) }}
{% endmacro %}

{% macro default__get_incremental_append_sql(arg_dict) %}
  {%- set cols = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
  {% set sql -%}
    insert into {{ arg_dict['target_relation'] }} ({{ cols }})
    select {{ cols }} from {{ arg_dict['temp_relation'] }}
  {%- endset %}
  {{ return(sql) }}
{% endmacro %}

{% macro get_incremental_delete_insert_sql(arg_dict) %}
  {{ return(adapter.dispatch('get_incremental_delete_insert_sql', 'dbt')(arg_dict)) }}
{% endmacro %}

{% macro default__get_incremental_delete_insert_sql(arg_dict) %}
  {%- set target = arg_dict['target_relation'] -%}
  {%- set source = arg_dict['temp_relation'] -%}
  {%- set unique_key = arg_dict['unique_key'] -%}
  {%- set predicates = arg_dict['incremental_predicates'] or [] -%}
  {%- set predicates = [predicates] if predicates is string else predicates -%}
  {%- set cols = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
  {% set sql -%}
    {% if unique_key is sequence and unique_key is not string %}
      delete from {{ target }} as DBT_INTERNAL_DEST
      where exists (
        select 1 from {{ source }} as DBT_INTERNAL_SOURCE
        where {% for key in unique_key %}DBT_INTERNAL_SOURCE.{{ key }} = DBT_INTERNAL_DEST.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
      )
      {%- for p in predicates %} and {{ p }}{% endfor %};
    {% elif unique_key %}
      delete from {{ target }}
      where ({{ unique_key }}) in (select ({{ unique_key }}) from {{ source }})
      {%- for p in predicates %} and {{ p }}{% endfor %};
    {% endif %}
    insert into {{ target }} ({{ cols }})
    select {{ cols }} from {{ source }}
  {%- endset %}
  {{ return(sql) }}
{% endmacro %}

{% macro get_incremental_merge_sql(arg_dict) %}
  {{ return(adapter.dispatch('get_incremental_merge_sql', 'dbt')(arg_dict)) }}
{% endmacro %}

{% macro default__get_incremental_merge_sql(arg_dict) %}
  {%- set target = arg_dict['target_relation'] -%}
  {%- set source = arg_dict['temp_relation'] -%}
  {%- set unique_key = arg_dict['unique_key'] -%}
  {%- set predicates = arg_dict['incremental_predicates'] or [] -%}
  {%- set predicates = [predicates] if predicates is string else predicates -%}
  {%- set names = arg_dict['dest_columns'] | map(attribute='name') | list -%}
  {%- set update_columns = config.get('merge_update_columns') -%}
  {%- set exclude_columns = config.get('merge_exclude_columns') or [] -%}
  {%- if update_columns is none -%}
    {%- set update_columns = [] -%}
    {%- for n in names if n | lower not in (exclude_columns | map('lower') | list) -%}
      {%- do update_columns.append(n) -%}
    {%- endfor -%}
  {%- endif -%}
  {% set sql -%}
    merge into {{ target }} as DBT_INTERNAL_DEST
    using {{ source }} as DBT_INTERNAL_SOURCE
    on {% if unique_key -%}
      {% for key in floe_unique_keys(unique_key) %}DBT_INTERNAL_SOURCE.{{ key }} = DBT_INTERNAL_DEST.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
    {%- else %}false{% endif %}
    {%- for p in predicates %} and {{ p }}{% endfor %}
    {% if unique_key and update_columns %}
    when matched then update set
      {% for c in update_columns %}{{ adapter.quote(c) }} = DBT_INTERNAL_SOURCE.{{ adapter.quote(c) }}{% if not loop.last %}, {% endif %}{% endfor %}
    {% endif %}
    when not matched then insert ({{ get_quoted_csv(names) }})
    values ({% for c in names %}DBT_INTERNAL_SOURCE.{{ adapter.quote(c) }}{% if not loop.last %}, {% endif %}{% endfor %})
  {%- endset %}
  {{ return(sql) }}
{% endmacro %}
