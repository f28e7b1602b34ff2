select n, grp, n * 6 as v from {{ ref('numbers') }} where n % 6 <> 5
