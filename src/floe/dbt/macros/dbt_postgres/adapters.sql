{#- PostgreSQL versions of the dbt macros (adapter.dispatch finds postgres__ first). -#}

{#- A schema belongs to the connection's database: PostgreSQL takes no database part. -#}
{% macro postgres__create_schema(relation) -%}
  {%- call statement('create_schema') -%}
    create schema if not exists {{ relation.without_identifier().include(database=False) }}
  {% endcall %}
{% endmacro %}

{% macro postgres__drop_schema(relation) -%}
  {%- call statement('drop_schema') -%}
    drop schema if exists {{ relation.without_identifier().include(database=False) }} cascade
  {% endcall %}
{% endmacro %}

{#- Incremental models: delete+insert with a unique_key, else append. -#}
{% macro postgres__get_incremental_default_sql(arg_dict) %}
  {% if arg_dict['unique_key'] %}
    {{ return(get_incremental_delete_insert_sql(arg_dict)) }}
  {% else %}
    {{ return(get_incremental_append_sql(arg_dict)) }}
  {% endif %}
{% endmacro %}

{% macro postgres__dateadd(datepart, interval, from_date_or_timestamp) %}
    {{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }}))
{% endmacro %}

{#- Boundaries crossed between the two dates, per date part. -#}
{% macro postgres__datediff(first_date, second_date, datepart) -%}
    {%- set days = "((" ~ second_date ~ ")::date - (" ~ first_date ~ ")::date)" -%}
    {%- set years = "(date_part('year', (" ~ second_date ~ ")::date) - date_part('year', (" ~ first_date ~ ")::date))" -%}
    {%- if datepart == 'year' -%}
        {{ years }}
    {%- elif datepart == 'quarter' -%}
        ({{ years }} * 4 + date_part('quarter', ({{ second_date }})::date) - date_part('quarter', ({{ first_date }})::date))
    {%- elif datepart == 'month' -%}
        ({{ years }} * 12 + date_part('month', ({{ second_date }})::date) - date_part('month', ({{ first_date }})::date))
    {%- elif datepart == 'day' -%}
        {{ days }}
    {%- elif datepart == 'week' -%}
        ({{ days }} / 7 + case
            when date_part('dow', ({{ first_date }})::timestamp) <= date_part('dow', ({{ second_date }})::timestamp) then
                case when {{ first_date }} <= {{ second_date }} then 0 else -1 end
            else
                case when {{ first_date }} <= {{ second_date }} then 1 else 0 end
        end)
    {%- elif datepart == 'hour' -%}
        ({{ days }} * 24 + date_part('hour', ({{ second_date }})::timestamp) - date_part('hour', ({{ first_date }})::timestamp))
    {%- elif datepart == 'minute' -%}
        (({{ days }} * 24 + date_part('hour', ({{ second_date }})::timestamp) - date_part('hour', ({{ first_date }})::timestamp)) * 60
         + date_part('minute', ({{ second_date }})::timestamp) - date_part('minute', ({{ first_date }})::timestamp))
    {%- elif datepart == 'second' -%}
        ((({{ days }} * 24 + date_part('hour', ({{ second_date }})::timestamp) - date_part('hour', ({{ first_date }})::timestamp)) * 60
          + date_part('minute', ({{ second_date }})::timestamp) - date_part('minute', ({{ first_date }})::timestamp)) * 60
         + floor(date_part('second', ({{ second_date }})::timestamp)) - floor(date_part('second', ({{ first_date }})::timestamp)))
    {%- else -%}
        {{ exceptions.raise_compiler_error("Unsupported datepart for macro datediff in postgres: " ~ datepart) }}
    {%- endif -%}
{%- endmacro %}

{#- docs generate: column types as PostgreSQL formats them (numeric(10,2), character varying(20)). -#}
{% macro postgres__floe_catalog_sql(database, schema) -%}
  {% set sql -%}
    select c.relname as table_name,
           case when c.relkind = 'v' then 'VIEW' else 'BASE TABLE' end as table_type,
           a.attname as column_name, format_type(a.atttypid, a.atttypmod) as data_type,
           a.attnum as ordinal_position
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where lower(n.nspname) = lower('{{ schema }}') and c.relkind in ('r', 'v', 'm', 'p', 'f')
    order by c.relname, a.attnum
  {%- endset %}
  {{ return(sql) }}
{%- endmacro %}
