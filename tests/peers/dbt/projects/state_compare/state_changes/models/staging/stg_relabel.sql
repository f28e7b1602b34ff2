{{ config(alias='relabelled') }}
select 2 as id
