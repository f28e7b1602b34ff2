{{
    config(
        pre_hook=[
            "select 'about to build {{ this }}' as note",
            before_begin("select 'outside the transaction, before' as note"),
        ],
        post_hook=[
            {"sql": "select count(*) from {{ this }}", "transaction": false},
            after_commit("{{ grant_select(this, var('grant_role')) }}"),
            "{{ grant_select(this, 'auditor') }}",
        ],
    )
}}
select
    sensor_id,
    site,
    installed_on,
    calibration
from {{ ref('sensors') }}
