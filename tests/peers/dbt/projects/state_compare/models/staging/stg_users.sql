select code as user_id, rate from {{ source('app', 'raw_users') }}
