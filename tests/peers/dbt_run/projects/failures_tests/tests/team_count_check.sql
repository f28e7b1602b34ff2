{{ config(fail_calc='sum(members)', warn_if='>= 1', error_if='>= 100') }}
select * from {{ ref('teams') }}
