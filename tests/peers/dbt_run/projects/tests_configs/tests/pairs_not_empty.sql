{{ config(tags=['pairs']) }}
select 1 as missing from {{ ref('account_pairs') }} having count(*) = 0
