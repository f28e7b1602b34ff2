#pragma once
// Node selection as dbt does it: `--select`/`--exclude` specs (`[@][N+]method:value[+N]`, spaces
// for union, commas for intersection), graph operators, selector methods, selectors.yml, and
// indirect selection of tests (eager, cautious, buildable, empty).

#include <set>
#include <string>
#include <vector>

#include "floe/dbt/project.h"
#include "floe/dbt/state.h"

namespace floe::dbt {

struct Selection {
  std::vector<std::string> select;          // each --select argument (may hold several specs)
  std::vector<std::string> exclude;         // each --exclude argument
  std::string selector;                     // --selector name (selectors.yml)
  std::string indirect = "eager";           // --indirect-selection
  std::vector<std::string> resource_types;  // --resource-type (ls, build)
  std::vector<std::string> exclude_resource_types;  // --exclude-resource-type
  bool listing = false;                  // dbt ls: analyses only when --resource-type asks for them
  const PreviousState* state = nullptr;  // --state: for the state: and result: methods
};

/// The unique_ids selected; a bad spec is a diagnostic.
std::set<std::string> SelectNodes(const Project& project, const Selection& selection,
                                  Diagnostics& diagnostics);

/// The lines `dbt ls --output FORMAT` prints for the selected nodes (sorted as dbt sorts them).
std::vector<std::string> ListOutput(const Project& project, const std::set<std::string>& ids,
                                    const std::string& format,
                                    const std::vector<std::string>& output_keys);

}  // namespace floe::dbt
