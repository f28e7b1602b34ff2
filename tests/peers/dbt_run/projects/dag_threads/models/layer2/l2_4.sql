select x.n, x.grp, x.v + y.v as v from {{ ref('l1_4') }} x join {{ ref('l1_5') }} y using (n, grp)
