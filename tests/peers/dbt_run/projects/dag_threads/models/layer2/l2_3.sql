select n, grp, v / (n - n) as v from {{ ref('l1_3') }} where no_such_column > 0
