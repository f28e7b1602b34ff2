{#- surrogate keys, in the style of a cross-database utility package -#}

{%- macro surrogate_key(field_list) -%}
    {{ return(adapter.dispatch('surrogate_key', 'shim_utils')(field_list)) }}
{%- endmacro -%}

{%- macro default__surrogate_key(field_list) -%}
    {%- if field_list is string -%}
        {{ exceptions.raise_compiler_error("surrogate_key expects a list of fields, got the string '" ~ field_list ~ "'") }}
    {%- endif -%}
    {%- set fields = [] -%}
    {%- for field in field_list -%}
        {%- do fields.append("coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '_null_')") -%}
        {%- if not loop.last -%}
            {%- do fields.append("'-'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro -%}

{%- macro duckdb__surrogate_key(field_list) -%}
    md5(concat_ws('|', {% for f in field_list %}coalesce(cast({{ f }} as varchar), '_null_'){{ ', ' if not loop.last }}{% endfor %}))
{%- endmacro -%}
