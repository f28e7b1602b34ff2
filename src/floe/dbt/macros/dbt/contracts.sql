{#- Enforced model contracts: the model's columns (names, types, count) must be those its YAML
    declares, and a table is created from the declared columns and their constraints before the
    rows are inserted, so the database enforces what it can. Types are compared as the
    database reports them for each side (the model's query, and nulls cast to the declared
    types). -#}

{% macro get_column_schema_from_query(select_sql, select_sql_header=none) -%}
  {{ return(adapter.get_column_schema_from_query(get_empty_subquery_sql(select_sql, select_sql_header))) }}
{%- endmacro %}

{% macro get_empty_schema_sql(columns) -%}
  {{ return(adapter.dispatch('get_empty_schema_sql', 'dbt')(columns)) }}
{%- endmacro %}

{% macro default__get_empty_schema_sql(columns) %}
  select
  {%- for name, column in columns.items() %}
    cast(null as {{ column['data_type'] }}) as {{ adapter.quote(column['name']) if column.get('quote') else column['name'] }}{{ ", " if not loop.last }}
  {%- endfor %}
{% endmacro %}

{% macro get_assert_columns_equivalent(sql) -%}
  {{ adapter.dispatch('get_assert_columns_equivalent', 'dbt')(sql) }}
{%- endmacro %}

{% macro default__get_assert_columns_equivalent(sql) -%}
  {{ return(assert_columns_equivalent(sql)) }}
{%- endmacro %}

{% macro format_columns(columns) %}
  {%- set out = [] -%}
  {%- for column in columns -%}
    {%- do out.append({'name': column.name, 'data_type': column.dtype, 'formatted': column.name ~ ' ' ~ column.dtype}) -%}
  {%- endfor -%}
  {{ return(out) }}
{% endmacro %}

{% macro assert_columns_equivalent(sql) %}
  {%- set declared = model['columns'] -%}
  {%- if not declared -%}
    {{ exceptions.raise_compiler_error("This model has an enforced contract, and its 'columns' specification is missing") }}
  {%- endif -%}
  {%- for name, column in declared.items() if column.get('data_type') is none -%}
    {{ exceptions.raise_compiler_error("Contracted models require data_type to be defined for each column. Please ensure that the column name and data_type are defined within the YAML configuration for the ['" ~ name ~ "'] column(s).") }}
  {%- endfor -%}
  {%- set sql_columns = format_columns(get_column_schema_from_query(sql, config.get('sql_header', none))) -%}
  {%- set yaml_columns = format_columns(get_column_schema_from_query(get_empty_schema_sql(declared))) -%}
  {%- set problems = [] -%}
  {%- for y in yaml_columns -%}
    {%- set found = sql_columns | selectattr('name', 'equalto', y['name']) | list -%}
    {%- if not found -%}
      {%- do problems.append('| ' ~ y['name'] ~ ' |  | ' ~ y['data_type'] ~ ' | missing in definition |') -%}
    {%- elif found[0]['data_type'] != y['data_type'] -%}
      {%- do problems.append('| ' ~ y['name'] ~ ' | ' ~ found[0]['data_type'] ~ ' | ' ~ y['data_type'] ~ ' | data type mismatch |') -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for s in sql_columns -%}
    {%- if not (yaml_columns | selectattr('name', 'equalto', s['name']) | list) -%}
      {%- do problems.append('| ' ~ s['name'] ~ ' | ' ~ s['data_type'] ~ ' |  | missing in contract |') -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if problems -%}
    {{ exceptions.raise_compiler_error("This model has an enforced contract that failed.\nPlease ensure the name, data_type, and number of columns in your contract match the columns in your model's definition.\n\n| column_name | definition_type | contract_type | mismatch_reason |\n| ----------- | --------------- | ------------- | --------------- |\n" ~ (problems | join('\n'))) }}
  {%- endif -%}
{% endmacro %}

{#- ( <column> <type> <constraints>, …, <model constraints> ) -#}
{% macro get_table_columns_and_constraints() -%}
  {{ adapter.dispatch('get_table_columns_and_constraints', 'dbt')() }}
{%- endmacro %}

{% macro default__get_table_columns_and_constraints() -%}
  {%- set parts = [] -%}
  {%- for name, column in model['columns'].items() -%}
    {%- set rendered = [] -%}
    {%- for c in column.get('constraints', []) -%}
      {%- set r = floe_render_constraint(c, none) -%}
      {%- if r %}{% do rendered.append(r) %}{% endif -%}
    {%- endfor -%}
    {%- do parts.append((adapter.quote(column['name']) if column.get('quote') else column['name']) ~ ' ' ~ column['data_type'] ~ ((' ' ~ rendered | join(' ')) if rendered else '')) -%}
  {%- endfor -%}
  {%- for c in model.get('constraints', []) -%}
    {%- set r = floe_render_constraint(c, c.get('columns', [])) -%}
    {%- if r %}{% do parts.append(r) %}{% endif -%}
  {%- endfor -%}
  ({{ parts | join(', ') }})
{%- endmacro %}

{#- One constraint: of a column (`columns` none) or of the model (on `columns`). -#}
{% macro floe_render_constraint(c, columns) -%}
  {%- set type = c['type'] -%}
  {%- set name = ('constraint ' ~ c['name'] ~ ' ') if c.get('name') else '' -%}
  {%- set on = (' (' ~ (columns | join(', ')) ~ ')') if columns is not none else '' -%}
  {%- if type == 'not_null' and columns is none -%}{{ return('not null') }}
  {%- elif type == 'unique' -%}{{ return(name ~ 'unique' ~ on) }}
  {%- elif type == 'primary_key' -%}{{ return(name ~ 'primary key' ~ on) }}
  {%- elif type == 'check' and c.get('expression') -%}{{ return(name ~ 'check (' ~ c['expression'] ~ ')') }}
  {%- elif type == 'foreign_key' -%}
    {%- set target = c.get('expression') or ((c.get('to') or '') ~ ' (' ~ (c.get('to_columns') or []) | join(', ') ~ ')') -%}
    {{ return(name ~ ('foreign key' ~ on ~ ' ' if columns is not none else '') ~ 'references ' ~ target) }}
  {%- elif type == 'custom' and c.get('expression') -%}{{ return(name ~ c['expression']) }}
  {%- endif -%}
  {{ return('') }}
{%- endmacro %}

{% macro get_select_subquery(sql) -%}
  {%- set names = [] -%}
  {%- for name, column in model['columns'].items() -%}
    {%- do names.append(adapter.quote(column['name']) if column.get('quote') else column['name']) -%}
  {%- endfor -%}
  select {{ names | join(', ') }}
  from (
    {{ sql }}
  ) as model_subq
{%- endmacro %}
