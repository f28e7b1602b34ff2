{{ config(post_hook=["insert into " ~ target.schema ~ ".audit values ('model post', 'numbers_table')"]) }}
select n, label, n * n as square from {{ ref('numbers') }}
