select n, grp, n * 3 as v from {{ ref('numbers') }} where n % 6 <> 2
