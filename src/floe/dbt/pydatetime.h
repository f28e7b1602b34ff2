#pragma once
// `modules.datetime` of dbt's context: Python's date, datetime and timedelta with the operations
// dbt projects use (construction, now/utcnow/strptime, strftime/isoformat, attributes, replace,
// date + timedelta, date - date, comparisons). Times are naive (no zone), as dbt's are.

#include <cstdint>

#include "floe/jinja/value.h"

namespace floe::dbt {

/// The `datetime` module value.
jinja::Value DatetimeModule();

/// A datetime (or a date when `date_only`) from microseconds since 1970-01-01.
jinja::Value MakeDateTime(int64_t epoch_micros, bool date_only);

/// The current UTC time, for `run_started_at`.
jinja::Value UtcNow();

}  // namespace floe::dbt
