{% call set_sql_header(config) %}
create or replace macro eu_decimal(s) as cast(replace(s, ',', '.') as decimal(10, 2));
{% endcall %}
select
    product,
    country,
    eu_decimal(price) as price,
    cast(valid_from as date) as valid_from
from {{ ref('eu_prices') }}
