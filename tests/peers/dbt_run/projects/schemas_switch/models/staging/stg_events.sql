select id, kind, cast(happened_at as timestamp) as happened_at from {{ ref('events') }}
