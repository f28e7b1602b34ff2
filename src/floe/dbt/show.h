#pragma once
// `dbt show`: the rows a node's compiled SQL (or an inline query) returns, up to a limit, printed
// as a table or as JSON, with nothing built.

#include <ostream>
#include <set>
#include <string>

#include "floe/dbt/context.h"
#include "floe/dbt/project.h"

namespace floe::dbt {

struct ShowOptions {
  int64_t limit = 5;            // --limit; negative: every row
  std::string output = "text";  // --output: text | json
  bool json_log = false;        // --log-format json: the preview comes as dbt's ShowNode event
  std::ostream* out = nullptr;
};

/// Compiles each selected model, snapshot and analysis (a seed shows its table), or
/// `inline_sql` when it is not empty (a query that may use ref, source and macros), runs it
/// through get_show_sql with the limit and prints the rows ("Previewing node 'x':"). Returns
/// dbt's exit code: 1 when a node does not compile or its query fails (reported in
/// `diagnostics`).
int ShowNodes(Project& project, Session& session, const std::set<std::string>& selected,
              const std::string& inline_sql, const ShowOptions& options, Diagnostics& diagnostics);

}  // namespace floe::dbt
