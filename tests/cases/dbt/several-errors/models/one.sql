select * from {{ ref("nowhere") }}
