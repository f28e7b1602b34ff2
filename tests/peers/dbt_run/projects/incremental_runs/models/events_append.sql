{{ config(incremental_strategy='append') }}
select event_id, user_id, kind, amount, happened_at from {{ ref('events') }}
{% if is_incremental() %}
where happened_at > (select max(happened_at) from {{ this }})
{% endif %}
