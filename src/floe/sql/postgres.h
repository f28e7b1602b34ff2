#pragma once
// PostgreSQL through libpq, behind the compute interface. Only postgres.cc includes libpq-fe.h.

#include <memory>
#include <string>

#include "floe/plugins/compute.h"

namespace floe::sql {

/// A PostgreSQL server reached with a libpq connection string ("host=… port=… dbname=…").
/// Opening checks that a connection can be made.
std::unique_ptr<plugins::ComputeDatabase> OpenPostgres(const std::string& conninfo,
                                                       std::string* error);

}  // namespace floe::sql
