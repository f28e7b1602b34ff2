{{ config(materialized='table', tags=['introspection']) }}
{%- if execute -%}
    {%- set res = run_query('select 1 as a union all select 2 as a order by a') -%}
    {%- set values = res.columns[0].values() -%}
    {%- set first_value = values[0] -%}
    {%- set n_values = values | length -%}
    {%- set col_name = res.column_names[0] -%}
{%- else -%}
    {%- set first_value = 0 -%}
    {%- set n_values = 0 -%}
    {%- set col_name = 'none' -%}
{%- endif -%}
{%- call statement('answer', fetch_result=True) -%}
    select 42 as answer
{%- endcall -%}
{%- if execute -%}
    {%- set answer_result = load_result('answer') -%}
    {%- set answer = answer_result['data'][0][0] -%}
    {%- set answer_rows = answer_result['data'] | length -%}
{%- else -%}
    {%- set answer = -1 -%}
    {%- set answer_rows = 0 -%}
{%- endif -%}
{%- if execute -%}{%- do print('compiling ' ~ model.name) -%}{%- endif -%}
{%- do log('building ' ~ this ~ ' on target ' ~ target.name) -%}
select
    '{{ this }}' as this_relation,
    '{{ this.schema }}' as this_schema,
    '{{ this.identifier }}' as this_identifier,
    '{{ this.database }}' as this_database,
    '{{ model.name }}' as model_name,
    '{{ model.unique_id }}' as model_unique_id,
    '{{ model.resource_type }}' as model_resource_type,
    '{{ target.name }}' as target_name,
    '{{ target.schema }}' as target_schema,
    '{{ target.type }}' as target_type,
    '{{ target.database }}' as target_database,
    {{ target.threads }} as target_threads,
    '{{ project_name }}' as project_name,
    '{{ config.get("materialized") }}' as materialized,
    '{{ config.get("tags") | join(",") }}' as tags,
    {{ first_value }} as first_value,
    {{ n_values }} as n_values,
    '{{ col_name }}' as column_name,
    {{ answer }} as answer,
    {{ answer_rows }} as answer_rows,
    {{ execute }} as executed,
    {{ adapter.quote('mixed Case') }} is null as quoted_ident_ok
from (select null as "mixed Case") as t
