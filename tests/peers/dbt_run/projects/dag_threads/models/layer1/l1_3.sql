select n, grp, n * 4 as v from {{ ref('numbers') }} where n % 6 <> 3
