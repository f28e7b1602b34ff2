{{ config(materialized='table') }}
select grp, count(*) as parts
from (
  select grp from {{ ref('l4_0') }}
union all
  select grp from {{ ref('l4_1') }}
) u
group by grp
