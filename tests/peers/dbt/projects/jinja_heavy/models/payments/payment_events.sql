{{
    config(
        materialized='incremental',
        unique_key=['payment_id'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}
{%- set lookback = var('lookback_days') %}
select
    payment_id,
    order_id,
    method,
    amount,
    paid_on,
    '{{ config.get("materialized") }}' as built_as,
    '{{ config.get("incremental_strategy", "none") }}' as strategy,
    '{{ config.get("not_a_key", default="fallback") }}' as missing_key
from {{ ref('stg_payments') }}
{% if is_incremental() %}
where paid_on >= (select max(paid_on) - interval {{ lookback }} day from {{ this }})
{% else %}
-- full refresh: {{ lookback }} days lookback not applied
{% endif %}
