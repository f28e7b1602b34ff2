select
    a.account_id,
    a.account_name,
    c.country_name,
    c.region,
    r.invoiced,
    r.paid
from {{ ref('stg_crm_accounts') }} as a
left join {{ ref('country_codes') }} as c using (country_code)
left join {{ ref('int_account_revenue') }} as r using (account_id)
