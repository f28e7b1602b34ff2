{{ config(unique_key='event_id', on_schema_change='append_new_columns') }}
select event_id, kind from {{ ref('events') }}
