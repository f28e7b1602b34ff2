#pragma once
// `dbt seed | run | test | build`: the selected nodes of the command's resource types run in DAG
// order on `threads` workers (a node starts once its parents are done), each compiled just
// before it runs (introspective queries see what its parents built) and then built by its
// materialization macro. A failed node's descendants are skipped. Writes target/run/…,
// target/run_results.json (v6) and prints dbt's progress lines and summary.

#include <ostream>
#include <set>
#include <string>

#include "floe/dbt/context.h"
#include "floe/dbt/project.h"

namespace floe::dbt {

struct RunOptions {
  std::string command;  // seed | run | test | build
  int threads = 1;
  bool fail_fast = false;
  bool warn_error = false;      // a test that warns fails
  std::ostream* out = nullptr;  // progress lines and the summary
  bool json_log = false;        // --log-format json: dbt's structured events, one per line
};

/// Runs the nodes of `selected` that the command executes. Returns dbt's exit code: 0 when
/// every node passed (or warned), 1 when one failed or was skipped for a failure, 2 when the run
/// could not start (problems in `diagnostics`).
int RunNodes(Project& project, Session& session, const std::set<std::string>& selected,
             const RunOptions& options, Diagnostics& diagnostics);

/// run_results.json of `dbt run-operation`: the macro's one result.
bool WriteOperationResults(const Project& project, const std::string& macro_unique_id, bool ok,
                           const std::string& message, double compile_seconds,
                           double execute_seconds, Diagnostics& diagnostics);

/// run_results.json of a compile (docs generate): a success for each compiled node of `ids`.
bool WriteCompileResults(const Project& project, const std::set<std::string>& ids,
                         Diagnostics& diagnostics);

}  // namespace floe::dbt
