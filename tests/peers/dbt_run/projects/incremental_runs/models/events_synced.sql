{{ config(incremental_strategy='delete+insert', unique_key='event_id', on_schema_change='sync_all_columns') }}
select event_id, kind, amount from {{ ref('events') }}
