select n, grp, n * 5 as v from {{ ref('numbers') }} where n % 6 <> 4
