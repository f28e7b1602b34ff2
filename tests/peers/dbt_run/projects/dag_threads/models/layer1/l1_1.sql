select n, grp, n * 2 as v from {{ ref('numbers') }} where n % 6 <> 1
