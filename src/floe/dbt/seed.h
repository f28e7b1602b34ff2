#pragma once
// Seeds: a seed's CSV file read as dbt reads it (agate's type inference, dbt's null values and
// column_types overrides), for load_agate_table() and the seed materialization.

#include <optional>
#include <string>

#include "floe/dbt/engine.h"
#include "floe/dbt/project.h"

namespace floe::dbt {

/// The absolute path of a seed's CSV file.
std::string SeedFilePath(const Project& project, const Node& seed);

/// Reads a CSV file: its header as the columns, each column's type the SQL type dbt creates it
/// with (integer, float8, date, timestamp without time zone, boolean, text; or the column_types
/// override), each value the file's text (None for dbt's null values '' and 'null').
std::optional<QueryTable> LoadSeedTable(const std::string& path, const std::string& delimiter,
                                        const Value& column_types, std::string* error);

}  // namespace floe::dbt
