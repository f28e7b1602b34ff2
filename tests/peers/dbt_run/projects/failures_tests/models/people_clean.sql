select id, name, age, team from {{ ref('people') }}
