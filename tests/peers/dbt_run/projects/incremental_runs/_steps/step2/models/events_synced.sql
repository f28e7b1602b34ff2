{{ config(incremental_strategy='delete+insert', unique_key='event_id', on_schema_change='sync_all_columns') }}
select event_id, kind, user_id from {{ ref('events') }}
