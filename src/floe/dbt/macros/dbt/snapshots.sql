{#- Snapshots (type-2 slowly changing dimensions): each run closes the current version of a row
    that changed (dbt_valid_to) and inserts its new version; hard deletes are ignored,
    invalidated, or recorded as a new deleted version. -#}

{% macro snapshot_get_time() -%}
  {{ adapter.dispatch('snapshot_get_time', 'dbt')() }}
{%- endmacro %}

{% macro default__snapshot_get_time() -%}
  {{ current_timestamp() }}
{%- endmacro %}

{% macro postgres__snapshot_get_time() -%}
  {{ current_timestamp() }}::timestamp without time zone
{%- endmacro %}

{% macro snapshot_hash_arguments(args) -%}
  {{ adapter.dispatch('snapshot_hash_arguments', 'dbt')(args) }}
{%- endmacro %}

{% macro default__snapshot_hash_arguments(args) -%}
    md5({%- for arg in args -%}
        coalesce(cast({{ arg }} as varchar ), '')
        {% if not loop.last %} || '|' || {% endif %}
    {%- endfor -%})
{%- endmacro %}

{#- The meta column names, with the config's renames. -#}
{% macro get_snapshot_table_column_names() %}
  {%- set names = config.get('snapshot_meta_column_names') or {} -%}
  {{ return({'dbt_valid_to': names.get('dbt_valid_to') or 'dbt_valid_to',
             'dbt_valid_from': names.get('dbt_valid_from') or 'dbt_valid_from',
             'dbt_scd_id': names.get('dbt_scd_id') or 'dbt_scd_id',
             'dbt_updated_at': names.get('dbt_updated_at') or 'dbt_updated_at',
             'dbt_is_deleted': names.get('dbt_is_deleted') or 'dbt_is_deleted'}) }}
{% endmacro %}

{% macro floe_snapshot_keys(unique_key) %}
  {{ return(unique_key if unique_key is sequence and unique_key is not string else [unique_key]) }}
{% endmacro %}

{% macro floe_snapshot_key_match(keys, left, right) -%}
  {%- for key in keys -%}{{ left }}.{{ key }} = {{ right }}.{{ key }}{% if not loop.last %} and {% endif %}{%- endfor -%}
{%- endmacro %}

{#- The strategy: the row's version time and when a version changed. -#}
{% macro floe_snapshot_strategy(node, snapshotted_rel, current_rel, target_exists) %}
  {%- set strategy = config.get('strategy') -%}
  {%- set unique_key = config.get('unique_key') -%}
  {%- set keys = floe_snapshot_keys(unique_key) -%}
  {%- set columns = get_snapshot_table_column_names() -%}
  {%- if strategy == 'timestamp' -%}
    {%- set updated_at = config.get('updated_at') -%}
    {%- set row_changed = "(" ~ snapshotted_rel ~ "." ~ columns.dbt_valid_from ~ " < " ~ current_rel ~ "." ~ updated_at ~ ")" -%}
    {%- set scd_args = keys + [updated_at] -%}
  {%- elif strategy == 'check' -%}
    {%- set check_cols = config.get('check_cols') -%}
    {%- set updated_at = config.get('updated_at') or snapshot_get_time() -%}
    {%- if check_cols == 'all' -%}
      {%- set check_cols = [] -%}
      {%- for c in adapter.get_columns_in_relation(node) if (c.name | lower) not in (keys | map('lower') | list) -%}
        {%- do check_cols.append(adapter.quote(c.name)) -%}
      {%- endfor -%}
    {%- endif -%}
    {%- set changes = [] -%}
    {%- for col in check_cols -%}
      {%- do changes.append("(" ~ snapshotted_rel ~ "." ~ col ~ " != " ~ current_rel ~ "." ~ col ~ " or (" ~ snapshotted_rel ~ "." ~ col ~ " is null) != (" ~ current_rel ~ "." ~ col ~ " is null))") -%}
    {%- endfor -%}
    {%- set row_changed = "(" ~ (changes | join(" or ") if changes else "false") ~ ")" -%}
    {%- set scd_args = keys + [updated_at] -%}
  {%- else -%}
    {{ exceptions.raise_compiler_error("Snapshot '" ~ model.name ~ "': unknown strategy '" ~ strategy ~ "' (timestamp or check)") }}
  {%- endif -%}
  {{ return({'unique_key': keys, 'updated_at': updated_at, 'row_changed': row_changed,
             'scd_id': snapshot_hash_arguments(scd_args)}) }}
{% endmacro %}

{% macro floe_hard_deletes() %}
  {%- set hard_deletes = config.get('hard_deletes') -%}
  {%- if hard_deletes is none -%}
    {%- set hard_deletes = 'invalidate' if config.get('invalidate_hard_deletes') else 'ignore' -%}
  {%- endif -%}
  {{ return(hard_deletes) }}
{% endmacro %}

{% macro floe_valid_to_current() %}
  {%- set v = config.get('dbt_valid_to_current') -%}
  {{ return(v if v is not none else 'null') }}
{% endmacro %}

{#- The first version of every row. -#}
{% macro floe_snapshot_first_sql(sql, strategy) %}
  {%- set columns = get_snapshot_table_column_names() -%}
  select *,
      {{ strategy.scd_id }} as {{ columns.dbt_scd_id }},
      {{ strategy.updated_at }} as {{ columns.dbt_updated_at }},
      {{ strategy.updated_at }} as {{ columns.dbt_valid_from }},
      {%- if config.get('dbt_valid_to_current') is not none %}
      coalesce(nullif({{ strategy.updated_at }}, {{ strategy.updated_at }}), {{ config.get('dbt_valid_to_current') }})
      {%- else %}
      nullif({{ strategy.updated_at }}, {{ strategy.updated_at }})
      {%- endif %} as {{ columns.dbt_valid_to }}
      {%- if floe_hard_deletes() == 'new_record' %},
      'False' as {{ columns.dbt_is_deleted }}
      {%- endif %}
  from (
    {{ sql }}
  ) sbq
{% endmacro %}

{% materialization snapshot, default %}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing = load_cached_relation(target_relation) -%}
  {%- set columns = get_snapshot_table_column_names() -%}
  {%- set hard_deletes = floe_hard_deletes() -%}
  {%- set keys = floe_snapshot_keys(config.get('unique_key')) -%}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% if existing is not none and existing.is_view %}
    {{ exceptions.raise_compiler_error("Snapshot target is not a snapshot table (found a view): " ~ target_relation) }}
  {% endif %}

  {% if existing is none %}
    {%- set strategy = floe_snapshot_strategy(target_relation, 'snapshotted_data', 'snapshot_query', false) -%}
    {% call statement('main') -%}
      {{ get_create_table_as_sql(False, target_relation, floe_snapshot_first_sql(sql, strategy)) }}
    {%- endcall %}
    {% do adapter.cache_added(target_relation) %}
  {% else %}
    {#- the query's rows, once, in a staging table: what the changes are computed from -#}
    {%- set source_relation = make_temp_relation(target_relation, '__dbt_source') -%}
    {{ drop_relation_if_exists(load_cached_relation(source_relation)) }}
    {% call statement('snapshot_source') -%}
      {{ get_create_table_as_sql(False, source_relation, sql) }}
    {%- endcall %}
    {% do adapter.cache_added(source_relation.incorporate(type='table')) %}
    {%- set source_sql = 'select * from ' ~ source_relation -%}
    {%- set strategy = floe_snapshot_strategy(source_relation, 'snapshotted_data', 'source_data', true) -%}

    {#- columns the query gained since the last run -#}
    {% for c in adapter.get_missing_columns(source_relation, target_relation) %}
      {% call statement('add_column') -%}
        alter table {{ target_relation }} add column {{ adapter.quote(c.name) }} {{ c.data_type }}
      {%- endcall %}
    {% endfor %}
    {%- set source_columns = adapter.get_columns_in_relation(source_relation) | map(attribute='name') | list -%}
    {%- set quoted = [] -%}
    {%- for c in source_columns -%}{%- do quoted.append(adapter.quote(c)) -%}{%- endfor -%}
    {%- set meta = [columns.dbt_scd_id, columns.dbt_updated_at, columns.dbt_valid_from, columns.dbt_valid_to] -%}

    {%- set current_filter -%}
      {%- if config.get('dbt_valid_to_current') is not none -%}
        (t.{{ columns.dbt_valid_to }} = {{ config.get('dbt_valid_to_current') }} or t.{{ columns.dbt_valid_to }} is null)
      {%- else -%}
        t.{{ columns.dbt_valid_to }} is null
      {%- endif -%}
    {%- endset -%}
    {%- set current_rows -%}
      select * from {{ target_relation }} t where {{ current_filter }}
      {%- if hard_deletes == 'new_record' %} and t.{{ columns.dbt_is_deleted }} = 'False'{% endif %}
    {%- endset -%}
    {%- set staging -%}
      with snapshotted_data as ({{ current_rows }}),
      source_data as (
        select *,
          {{ strategy.scd_id }} as floe_scd_id,
          {{ strategy.updated_at }} as floe_updated_at
        from ({{ source_sql }}) s
      )
    {%- endset -%}
    {%- set key_match = floe_snapshot_key_match(keys, 'snapshotted_data', 'source_data') -%}

    {#- close the versions that changed -#}
    {% call statement('snapshot_close') -%}
      update {{ target_relation }} as t
      set {{ columns.dbt_valid_to }} = changed.floe_updated_at
      from (
        {{ staging }}
        select snapshotted_data.{{ columns.dbt_scd_id }} as closed_scd_id, source_data.floe_updated_at
        from source_data join snapshotted_data on {{ key_match }}
        where {{ strategy.row_changed }}
      ) changed
      where t.{{ columns.dbt_scd_id }} = changed.closed_scd_id and {{ current_filter }}
    {%- endcall %}

    {#- new_record: a deleted row that came back ends its deleted version -#}
    {% if hard_deletes == 'new_record' %}
      {% call statement('snapshot_close_deleted') -%}
        update {{ target_relation }} as t
        set {{ columns.dbt_valid_to }} = back.floe_updated_at
        from (
          {{ staging }}
          select source_data.*, 1 as floe_back from source_data
        ) back
        where {{ floe_snapshot_key_match(keys, 't', 'back') }} and {{ current_filter }}
          and t.{{ columns.dbt_is_deleted }} = 'True'
      {%- endcall %}
    {% endif %}

    {#- rows whose key left the query -#}
    {% if hard_deletes in ['invalidate', 'new_record'] %}
      {% call statement('snapshot_deletes') -%}
        create table {{ make_temp_relation(target_relation, '__dbt_deleted') }} as
        select t.* from ({{ current_rows }}) t
        where not exists (select 1 from {{ source_relation }} s where {{ floe_snapshot_key_match(keys, 's', 't') }})
      {%- endcall %}
      {% call statement('snapshot_invalidate') -%}
        update {{ target_relation }} as t
        set {{ columns.dbt_valid_to }} = {{ snapshot_get_time() }}
        where t.{{ columns.dbt_scd_id }} in (select {{ columns.dbt_scd_id }} from {{ make_temp_relation(target_relation, '__dbt_deleted') }})
      {%- endcall %}
      {% if hard_deletes == 'new_record' %}
        {%- set deleted_cols = [] -%}
        {%- for c in adapter.get_columns_in_relation(target_relation) -%}{%- do deleted_cols.append(c.name) -%}{%- endfor -%}
        {% call statement('snapshot_deleted_records') -%}
          insert into {{ target_relation }} ({% for c in deleted_cols %}{{ adapter.quote(c) }}{% if not loop.last %}, {% endif %}{% endfor %})
          select {% for c in deleted_cols -%}
            {%- if c == columns.dbt_scd_id -%}{{ snapshot_hash_arguments(keys + [snapshot_get_time()]) }}
            {%- elif c in [columns.dbt_updated_at, columns.dbt_valid_from] -%}{{ snapshot_get_time() }}
            {%- elif c == columns.dbt_valid_to -%}{{ floe_valid_to_current() }}
            {%- elif c == columns.dbt_is_deleted -%}'True'
            {%- else -%}d.{{ adapter.quote(c) }}{%- endif %} as {{ adapter.quote(c) }}{% if not loop.last %}, {% endif %}
          {%- endfor %}
          from {{ make_temp_relation(target_relation, '__dbt_deleted') }} d
        {%- endcall %}
      {% endif %}
      {% call statement('snapshot_deletes_drop') -%}
        drop table {{ make_temp_relation(target_relation, '__dbt_deleted') }}
      {%- endcall %}
    {% endif %}

    {#- insert the new versions: new keys, and changed rows (now without a current version) -#}
    {% call statement('main') -%}
      insert into {{ target_relation }} ({{ quoted | join(', ') }}, {{ meta | join(', ') }}{% if hard_deletes == 'new_record' %}, {{ columns.dbt_is_deleted }}{% endif %})
      {{ staging }}
      select {% for c in quoted %}source_data.{{ c }}, {% endfor %}
        source_data.floe_scd_id, source_data.floe_updated_at, source_data.floe_updated_at,
        {{ floe_valid_to_current() }}{% if hard_deletes == 'new_record' %}, 'False'{% endif %}
      from source_data
      where not exists (
        select 1 from {{ target_relation }} t
        where {{ floe_snapshot_key_match(keys, 't', 'source_data') }} and {{ current_filter }}
        {%- if hard_deletes == 'new_record' %} and t.{{ columns.dbt_is_deleted }} = 'False'{% endif %}
      )
    {%- endcall %}
    {% do adapter.drop_relation(source_relation.incorporate(type='table')) %}
  {% endif %}

  {% do persist_docs(target_relation, model) %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do adapter.commit() %}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
