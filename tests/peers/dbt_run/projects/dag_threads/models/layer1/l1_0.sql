select n, grp, n * 1 as v from {{ ref('numbers') }} where n % 6 <> 0
