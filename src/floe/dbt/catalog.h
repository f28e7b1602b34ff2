#pragma once
// `dbt docs generate`'s target/catalog.json (schema v1): what the database holds for each node
// and source with a relation — its type and its columns (name, type, position), read from the
// engine's catalog, one query per schema.

#include "floe/dbt/context.h"
#include "floe/dbt/project.h"

namespace floe::dbt {

/// Writes TargetDir/catalog.json with the session's engine (the query per schema is the
/// adapter's `floe_catalog_sql` macro); a failure is a diagnostic (and nothing is written).
bool WriteCatalog(const Project& project, Session& session, Diagnostics& diagnostics);

}  // namespace floe::dbt
