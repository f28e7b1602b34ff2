#pragma once
// The built-in compute plugins: DuckDB (embedded default) and PostgreSQL.

#include <memory>

#include "floe/plugins/compute.h"

namespace floe::sql {

std::unique_ptr<plugins::ComputePlugin> MakeDuckDbCompute();
std::unique_ptr<plugins::ComputePlugin> MakePostgresCompute();

}  // namespace floe::sql
