select grp, sum(v) as v from {{ ref('l2_1') }} group by grp
