{{
    config(
        materialized='incremental',
        unique_key='account_id',
        schema='core',
        full_refresh=true,
        tags=['core']
    )
}}

select
    a.account_id,
    a.account_code,
    count(c.contact_id) as contact_count
from {{ ref('stg_accounts') }} as a
left join {{ ref('stg_contacts') }} as c
    on a.account_id = c.account_id
{% if is_incremental() %}
where a.account_id > (select max(account_id) from {{ this }})
{% endif %}
group by 1, 2
