select
    order_id,
    {{ dbt.dateadd('day', 7, 'ordered_at') }} as due_at,
    {{ dbt.dateadd(datepart='month', interval=-1, from_date_or_timestamp="cast('2024-03-31' as date)") }} as month_before,
    {{ dbt.datediff("cast('2024-01-01' as date)", 'ordered_at', 'day') }} as days_since_new_year,
    {{ dbt.datediff("'2024-01-01 00:00:00'::timestamp", 'ordered_at', 'week') }} as weeks_since_new_year,
    {{ dbt.date_trunc('month', 'ordered_at') }} as order_month,
    {{ dbt.last_day('ordered_at', 'month') }} as month_end,
    {{ dbt.last_day('ordered_at', 'quarter') }} as quarter_end,
    cast(ordered_at as {{ dbt.type_timestamp() }}) as ordered_ts,
    {{ dbt.current_timestamp() }} as compiled_now_expr,
    {{ dbt.date(2024, 2, 29) }} as leap_day
from {{ ref('orders') }}
