{{ config(severity='error', store_failures=true) }}
select * from {{ ref('people_clean') }} where age < 0
