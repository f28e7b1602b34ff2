#pragma once
// `dbt source freshness`: for each selected source with a freshness threshold, the newest
// `loaded_at_field` (or the result of `loaded_at_query`) against the database's current time;
// pass, warn or error by the source's warn_after / error_after; target/sources.json (v3).

#include <set>
#include <string>

#include "floe/dbt/context.h"
#include "floe/dbt/project.h"
#include "floe/dbt/run.h"

namespace floe::dbt {

/// Checks the freshness of the selected sources (those with a threshold). Returns dbt's exit
/// code: 1 when a source is stale past error_after or its query fails, 0 otherwise (warnings
/// included); 2 when sources.json cannot be written.
int CheckSourceFreshness(Project& project, Session& session, const std::set<std::string>& selected,
                         const RunOptions& options, Diagnostics& diagnostics);

}  // namespace floe::dbt
