#pragma once
// The resources of properties YAML that are not SQL nodes: exposures, groups, semantic models,
// metrics, saved queries and unit tests, in the shapes dbt's manifest gives them. They join the
// graph (parent_map, child_map, selection) through refs, sources and metric names.

#include <string>

#include "floe/dbt/context.h"
#include "floe/dbt/project.h"

namespace floe::dbt {

/// One top-level list of a properties file (`exposures:`, `metrics:`, …).
struct YamlResources {
  const Package* package;
  std::string key;   // exposures | groups | semantic_models | metrics | saved_queries | unit_tests
  std::string file;  // original_file_path
  std::string dir;   // the resource path the file is under (models)
  Value entries;     // the YAML list
};

/// Adds the resources to the manifest (after models are parsed, so refs and versions resolve).
/// Their refs and sources are recorded on the nodes; metric dependencies are resolved here.
void AddYamlResources(Project& project, Session& session, const std::vector<YamlResources>& lists,
                      Diagnostics& diagnostics);

/// A unit test fixture's rows as dbt keeps them: csv text read into dicts of strings (empty
/// fields None); for dict and csv rows, the first row without None moved to the front.
Value NormalizeFixtureRows(const Value& rows, const std::string& format);

/// The manifest section a resource type is written to ("nodes" for SQL nodes).
std::string ManifestSection(std::string_view resource_type);

}  // namespace floe::dbt
