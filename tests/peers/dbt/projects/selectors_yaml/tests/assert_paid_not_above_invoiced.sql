{{ config(tags=['finance', 'nightly']) }}
select account_id
from {{ ref('dim_accounts') }}
where paid > invoiced
