select x.n, x.grp, x.v + y.v as v from {{ ref('l1_2') }} x join {{ ref('l1_3') }} y using (n, grp)
