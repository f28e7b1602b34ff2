-- one table of load events at known distances from now (tables the sources below read)
select 'recent' as feed, cast({{ dbt.current_timestamp() }} - interval '30 minutes' as timestamp) as loaded_at
union all
select 'hours_ago', cast({{ dbt.current_timestamp() }} - interval '3 hours' as timestamp)
union all
select 'long_ago', cast('2020-01-01 00:00:00' as timestamp)
