select id, no_such_column from {{ ref('people_clean') }}
