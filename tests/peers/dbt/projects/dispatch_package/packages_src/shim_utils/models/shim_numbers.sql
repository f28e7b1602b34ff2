{{ dbt.generate_series(var('shim_series_size')) }}
