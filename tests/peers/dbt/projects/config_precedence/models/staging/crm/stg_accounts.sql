{{
    config(
        tags=["accounts", "crm"],
        meta={"tier": 0, "pii": false},
        pre_hook="select 'stg_accounts in-file pre' as hook",
        alias="accounts_v2"
    )
}}

select distinct
    account_id,
    'acct-' || cast(account_id as varchar) as account_code,
    '{{ var("missing_var", "fallback-value") }}' as var_with_default
from {{ ref('stg_contacts') }}
