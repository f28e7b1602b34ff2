select grp, sum(v) as v from {{ ref('l2_3') }} group by grp
