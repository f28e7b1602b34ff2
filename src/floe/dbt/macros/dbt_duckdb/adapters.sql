{#- DuckDB versions of the dbt macros whose default does not fit DuckDB. -#}

{#- Incremental models: delete+insert (a plain insert without a unique_key). -#}
{% macro duckdb__get_incremental_default_sql(arg_dict) %}
  {{ return(get_incremental_delete_insert_sql(arg_dict)) }}
{% endmacro %}

{#- Seeds: DuckDB reads the file itself (COPY), as dbt-duckdb loads them. -#}
{% macro duckdb__load_csv_rows(model, agate_table) %}
  {%- set delimiter = model['config'].get('delimiter', ',') -%}
  {%- call statement('load_seed_rows') -%}
    copy {{ this.render() }} from '{{ adapter.get_seed_file_path(model) | replace("'", "''") }}'
      (format csv, header true, delimiter '{{ delimiter | replace("'", "''") }}')
  {%- endcall -%}
  {{ return('') }}
{% endmacro %}
