select cast(id as integer) as id, label from {{ ref('items') }}
