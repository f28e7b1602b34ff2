{{ config(unique_key='event_id') }}
select event_id, user_id, kind, amount, happened_at from {{ ref('events') }}
{% if is_incremental() %}
where happened_at >= (select max(happened_at) from {{ this }}) - interval '1 day'
{% endif %}
