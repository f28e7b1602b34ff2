#pragma once
// `dbt compile`: renders each selected node with execute=True in DAG order, injects ephemeral
// CTEs as dbt does, writes target/compiled/<package>/<path>; and target/manifest.json (v12).

#include <set>
#include <string>

#include "floe/base/fs.h"
#include "floe/dbt/context.h"
#include "floe/dbt/project.h"

namespace floe::dbt {

/// Compiles the nodes in `selected` (every node when null) and the ephemeral nodes they use;
/// their files go to `files` (the caller finishes it).
bool CompileNodes(Project& project, Session& session, const std::set<std::string>* selected,
                  BackgroundWriter& files, Diagnostics& diagnostics);

/// Compiles one node now (execute=True), its ephemeral dependencies first (each once; callable
/// from several threads, for nodes that render independently); what templates log goes to `log`.
bool CompileNode(Session& session, Node& node, Diagnostics& diagnostics, std::string* log);

/// Inserts CTEs into `sql` after its leading WITH, or as a new WITH clause (dbt's
/// inject_ctes_into_sql). Each CTE text starts with a space: " __dbt__cte__x as (\n…\n)".
std::string InjectCtes(const std::string& sql, const std::vector<std::string>& ctes);

/// Writes target/manifest.json (and returns false with a diagnostic when it cannot).
bool WriteManifest(const Project& project, const std::string& path, Diagnostics& diagnostics);

/// A node's manifest.json entry as JSON text (what WriteManifest writes for it).
std::string ManifestEntryJson(const Node& node, const Project& project);

/// The target directory of the invocation (absolute).
std::string TargetDir(const Project& project);

}  // namespace floe::dbt
