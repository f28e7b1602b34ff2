{{ config(materialized='table') }}
select a.grp, a.v as left_v, b.v as right_v from {{ ref('l3_1') }} a join {{ ref('l3_2') }} b using (grp)
