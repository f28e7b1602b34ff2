select grp, sum(v) as v from {{ ref('l2_0') }} group by grp
