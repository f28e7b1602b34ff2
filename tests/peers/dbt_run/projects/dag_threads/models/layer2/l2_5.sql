select x.n, x.grp, x.v + y.v as v from {{ ref('l1_5') }} x join {{ ref('l1_0') }} y using (n, grp)
