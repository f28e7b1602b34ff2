{#- Seeds: the table a CSV file becomes (types from load_agate_table's inference, column_types
    overrides, quote_columns) and how its rows get in. -#}

{% macro create_csv_table(model, agate_table) -%}
  {{ adapter.dispatch('create_csv_table', 'dbt')(model, agate_table) }}
{%- endmacro %}

{% macro default__create_csv_table(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
  create table {{ this.render() }} (
    {%- for col_name in agate_table.column_names -%}
      {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
      {%- set type = column_override.get(col_name, inferred_type) -%}
      {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ type }}
      {%- if not loop.last -%}, {% endif -%}
    {%- endfor -%}
  )
{% endmacro %}

{% macro get_batch_size() -%}
  {{ return(adapter.dispatch('get_batch_size', 'dbt')()) }}
{%- endmacro %}

{% macro default__get_batch_size() %}
  {{ return(10000) }}
{% endmacro %}

{% macro load_csv_rows(model, agate_table) -%}
  {{ return(adapter.dispatch('load_csv_rows', 'dbt')(model, agate_table)) }}
{%- endmacro %}

{#- Inserts of the file's values, a batch at a time: each a literal the column's type casts. -#}
{% macro default__load_csv_rows(model, agate_table) %}
  {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
  {%- set cols = [] -%}
  {%- for col_name in agate_table.column_names -%}
    {%- do cols.append(adapter.quote_seed_column(col_name | string, quote_seed_column)) -%}
  {%- endfor -%}
  {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
    {%- call statement('load_seed_rows') -%}
      insert into {{ this.render() }} ({{ cols | join(', ') }}) values
      {% for row in chunk -%}
        ({%- for value in row -%}
          {%- if value is none -%}null{%- else -%}'{{ (value | string) | replace("'", "''") }}'{%- endif -%}
          {%- if not loop.last %}, {% endif -%}
        {%- endfor -%}){%- if not loop.last %},{% endif %}
      {% endfor %}
    {%- endcall -%}
  {%- endfor -%}
  {{ return('') }}
{% endmacro %}

