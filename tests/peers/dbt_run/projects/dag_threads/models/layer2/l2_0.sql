select x.n, x.grp, x.v + y.v as v from {{ ref('l1_0') }} x join {{ ref('l1_1') }} y using (n, grp)
