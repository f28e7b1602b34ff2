{{ config(sql_header="set threads = 1;", materialized='table') }}
select iso_code, "Currency Name" as currency_name, minor_units
from {{ ref('currencies') }}
