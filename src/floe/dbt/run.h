#pragma once
// `dbt seed | run | test | build`: the selected nodes of the command's resource types run in DAG
// order on `threads` workers (a node starts once its parents are done), each compiled just
// before it runs (introspective queries see what its parents built) and then built by its
// materialization macro. A failed node's descendants are skipped. Writes target/run/…,
// target/run_results.json (v6) and prints dbt's progress lines and summary.

#include <chrono>
#include <ostream>
#include <set>
#include <string>
#include <vector>

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

/// The `metadata` of a dbt artifact (run_results, sources, catalog): its schema URL, dbt's
/// version, when it was generated, the invocation.
Dict ArtifactMetadata(const Project& project, const std::string& schema_url);

/// `t` as dbt writes times in artifacts and events: 2024-01-02T03:04:05.123456Z.
std::string IsoTime(std::chrono::system_clock::time_point t);

/// A dotted progress line as dbt prints it: "<i> of <n> <text> .... [<status>]".
std::string ProgressLine(size_t index, size_t total, const std::string& text,
                         const std::string& status);

/// One line of dbt's log: "<time>  <msg>" as text, or (`json`, --log-format json) dbt's
/// structured event {"info": {name, code, msg, level, ts, …}, "data": {…}}.
std::string LogLine(const Project& project, bool json, const char* name, const char* code,
                    const std::string& msg, Dict data = Dict(), const char* level = "info");

/// run_results.json of `dbt run-operation`: the macro's one result.
bool WriteOperationResults(const Project& project, const std::string& macro_unique_id, bool ok,
                           const std::string& message, double compile_seconds,
                           double execute_seconds, Diagnostics& diagnostics);

/// run_results.json of a command that compiles (docs generate, show): a success for each of
/// `nodes` that compiled (ephemeral models aside) and each seed.
bool WriteCompileResults(const Project& project, const std::string& command,
                         const std::vector<const Node*>& nodes, Diagnostics& diagnostics);

}  // namespace floe::dbt
