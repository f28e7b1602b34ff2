select grp, sum(v) as v from {{ ref('l2_2') }} group by grp
