select * from {{ ref("gone") }}
