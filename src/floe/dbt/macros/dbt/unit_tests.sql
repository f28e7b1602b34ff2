{#- Unit tests: fixture rows as typed SELECTs, the expected rows beside the model's actual ones.
    The comparison of the two row sets is floe's (src/floe/dbt/unit_test.cc). -#}

{% macro get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
  {{ return(adapter.dispatch('get_empty_subquery_sql', 'dbt')(select_sql, select_sql_header)) }}
{%- endmacro %}

{% macro default__get_empty_subquery_sql(select_sql, select_sql_header=none) %}
  {%- if select_sql_header is not none -%}
  {{ select_sql_header }}
  {%- endif -%}
  select * from (
    {{ select_sql }}
  ) as __dbt_sbq
  where false
  limit 0
{% endmacro %}

{% macro get_columns_in_query(select_sql) -%}
  {{ return(adapter.dispatch('get_columns_in_query', 'dbt')(select_sql)) }}
{%- endmacro %}

{% macro default__get_columns_in_query(select_sql) %}
  {% call statement('get_columns_in_query', fetch_result=True, auto_begin=False) -%}
    {{ get_empty_subquery_sql(select_sql) }}
  {%- endcall %}
  {{ return(load_result('get_columns_in_query').table.columns | map(attribute='name') | list) }}
{% endmacro %}

{#- A fixture's rows as one SELECT per row, `union all`: every column of the input's relation
    (`this`), typed as there; a column the row leaves out is a typed null. No rows: one typed
    row of nulls under `limit 0`. -#}
{% macro get_fixture_sql(rows, column_name_to_data_types) %}
-- Fixture for {{ model.name }}
{%- set types = column_name_to_data_types or {} -%}
{%- set quoted = {} -%}
{%- if not types -%}
  {%- for column in adapter.get_columns_in_relation(this) -%}
    {%- do types.update({column.name | lower: column.data_type}) -%}
    {%- do quoted.update({column.name | lower: column.quoted}) -%}
  {%- endfor -%}
{%- else -%}
  {%- for name in types -%}{%- do quoted.update({name: adapter.quote(name)}) -%}{%- endfor -%}
{%- endif -%}
{%- if not types -%}
  {{ exceptions.raise_compiler_error("Not able to get columns for unit test '" ~ model.name ~ "' from relation " ~ this ~ " because the relation doesn't exist") }}
{%- endif -%}
{%- set nulls = {} -%}
{%- for name, data_type in types.items() -%}
  {%- do nulls.update({name: safe_cast('null', data_type) | trim}) -%}
{%- endfor -%}
{%- for row in rows %}
{%- set values = nulls.copy() -%}
{%- do values.update(format_row(row, types)) %}
select {% for name, value in values.items() %}{{ value }} as {{ quoted[name] }}{{ ", " if not loop.last }}{% endfor %}
{%- if not loop.last %}
union all
{%- endif -%}
{%- endfor -%}
{%- if rows | length == 0 %}
select {% for name, value in nulls.items() %}{{ value }} as {{ quoted[name] }}{{ ", " if not loop.last }}{% endfor %}
limit 0
{%- endif -%}
{% endmacro %}

{#- The expected rows, typed like the model's columns. -#}
{% macro get_expected_sql(rows, column_name_to_data_types, column_name_to_quoted) %}
{%- if rows | length == 0 -%}
select * from dbt_internal_unit_test_actual
limit 0
{%- else -%}
{%- for row in rows %}
{%- set values = format_row(row, column_name_to_data_types) %}
select {% for name, value in values.items() %}{{ value }} as {{ column_name_to_quoted[name] }}{{ ", " if not loop.last }}{% endfor %}
{%- if not loop.last %}
union all
{%- endif -%}
{%- endfor -%}
{%- endif -%}
{% endmacro %}

{#- A fixture row's values as SQL literals cast to their column's type; column names compare
    case-insensitively and must be columns of the relation. -#}
{%- macro format_row(row, column_name_to_data_types) -%}
  {%- set out = {} -%}
  {%- for name, value in row.items() -%}
    {%- set name = name | lower -%}
    {%- if name not in column_name_to_data_types -%}
      {%- set fixture = "expected output" if model.resource_type == 'unit_test' else ("'" ~ model.name ~ "'") -%}
      {{ exceptions.raise_compiler_error("Invalid column name: '" ~ name ~ "' in unit test fixture for " ~ fixture ~ ".\nAccepted columns for " ~ fixture ~ " are: " ~ (column_name_to_data_types.keys() | list)) }}
    {%- endif -%}
    {%- if value is string -%}
      {%- set literal = dbt.string_literal(dbt.escape_single_quotes(value)) -%}
    {%- elif value is none -%}
      {%- set literal = 'null' -%}
    {%- else -%}
      {%- set literal = value -%}
    {%- endif -%}
    {%- do out.update({name: safe_cast(literal, column_name_to_data_types[name]) | trim}) -%}
  {%- endfor -%}
  {{ return(out) }}
{%- endmacro -%}

{% macro get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) -%}
  {{ adapter.dispatch('get_unit_test_sql', 'dbt')(main_sql, expected_fixture_sql, expected_column_names) }}
{%- endmacro %}

{% macro default__get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) -%}
-- the model's rows over the fixtures
with dbt_internal_unit_test_actual as (
  select {{ expected_column_names | join(', ') }}, {{ dbt.string_literal('actual') }} as {{ adapter.quote('actual_or_expected') }}
  from (
    {{ main_sql }}
  ) _dbt_internal_unit_test_actual
),
-- the rows the test expects
dbt_internal_unit_test_expected as (
  select {{ expected_column_names | join(', ') }}, {{ dbt.string_literal('expected') }} as {{ adapter.quote('actual_or_expected') }}
  from (
    {{ expected_fixture_sql }}
  ) _dbt_internal_unit_test_expected
)
select * from dbt_internal_unit_test_actual
union all
select * from dbt_internal_unit_test_expected
{%- endmacro %}

{#- The unit materialization: the model's column types come from an empty table built from its
    SQL (then dropped); the expected rows are cast to them; statement 'main' returns both sides,
    tagged in the last column. -#}
{% materialization unit, default %}
  {%- set expected_rows = config.get('expected_rows') -%}
  {%- set expected_sql = config.get('expected_sql') -%}
  {%- set columns_tested = expected_rows[0].keys() | list if expected_rows else get_columns_in_query(sql) -%}
  {%- set shape_relation = make_temp_relation(this.incorporate(type='table')) -%}
  {%- do adapter.drop_relation(shape_relation) -%}
  {%- call statement('unit_test_shape', auto_begin=True) -%}
    {{ get_create_table_as_sql(False, shape_relation, get_empty_subquery_sql(sql)) }}
  {%- endcall -%}
  {%- set types = {} -%}
  {%- set quoted = {} -%}
  {%- for column in adapter.get_columns_in_relation(shape_relation) -%}
    {%- do types.update({column.name | lower: column.data_type}) -%}
    {%- do quoted.update({column.name | lower: column.quoted}) -%}
  {%- endfor -%}
  {%- do adapter.drop_relation(shape_relation) -%}
  {%- set names = [] -%}
  {%- for name in columns_tested -%}
    {%- if (name | lower) not in quoted -%}
      {{ exceptions.raise_compiler_error("Invalid column name: '" ~ (name | lower) ~ "' in unit test fixture for expected output.\nAccepted columns for expected output are: " ~ (types.keys() | list)) }}
    {%- endif -%}
    {%- do names.append(quoted[name | lower]) -%}
  {%- endfor -%}
  {%- if not expected_sql -%}
    {%- set expected_sql = get_expected_sql(expected_rows, types, quoted) -%}
  {%- endif -%}
  {% call statement('main', fetch_result=True) -%}
    {{ get_unit_test_sql(sql, expected_sql, names) }}
  {%- endcall %}
  {{ return({'relations': []}) }}
{% endmaterialization %}
