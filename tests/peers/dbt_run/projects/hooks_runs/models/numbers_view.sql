{{ config(materialized='view', pre_hook=before_begin("insert into " ~ target.schema ~ ".audit values ('before begin', 'numbers_view')")) }}
select * from {{ ref('numbers_table') }} where n > 1
