select team, count(*) as members from {{ ref('people_clean') }} group by team
