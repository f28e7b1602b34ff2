{%- set colors = shim_utils.literal_values("select 'red' as c union all select 'blue' union all select 'green' order by 1") -%}
with numbers as (
    {{ dbt.generate_series(5) }}
)
select
    cast(generated_number as {{ dbt.type_int() }}) as n_int,
    cast(generated_number as {{ dbt.type_bigint() }}) as n_big,
    cast(generated_number as {{ dbt.type_float() }}) / 3 as n_float,
    cast(generated_number as {{ dbt.type_numeric() }}) as n_numeric,
    cast(generated_number % 2 = 0 as {{ dbt.type_boolean() }}) as is_even,
    cast(generated_number as {{ dbt.type_string() }}) as n_text,
    '{{ colors | join(",") }}' as colors_at_compile_time,
    {{ colors | length }} as color_count
from numbers
