#pragma once
// Parsing a loaded project into its graph, as `dbt parse` does: macros (floe's library, packages,
// the root project), docs blocks, models, seeds, snapshots, analyses, singular and generic tests,
// sources, exposures, groups, semantic models, metrics and unit tests from properties YAML; the
// configs resolved with dbt's precedence; refs linked into depends_on, parent_map and child_map.

#include "floe/dbt/context.h"
#include "floe/dbt/project.h"

namespace floe::dbt {

/// Parses every file of every package into project.manifest. Problems (Jinja and YAML errors,
/// missing refs, cycles, duplicates) go to `diagnostics`, all of them, with file:line:col.
bool ParseProject(Project& project, Session& session, Diagnostics& diagnostics);

/// The folders of a '/'-separated relative path ("a/b/c.sql" -> a, b): the middle of an fqn.
std::vector<std::string> DirsOf(const std::string& rel);

/// Merges one config key as dbt does: tags and hooks append, meta/docs/… update, others replace.
void MergeConfig(Dict& into, const std::string& key, const Value& value);
/// The configs a dbt_project.yml tree (`models:`, `seeds:`, …) gives a node with this fqn,
/// least specific first; `unrendered` (optional) gets them as written.
void ApplyTree(const Value& tree, const std::vector<std::string>& fqn, Dict& into,
               Dict* unrendered);

/// The docs block `package.name` (or, failing that, any block of that name), or null.
const Value* FindDocBlock(const Manifest& manifest, const std::string& package,
                          const std::string& name);
/// A description with its `{{ doc('…') }}` calls rendered (text without Jinja as it is).
Value RenderDescription(const Project& project, const Session& session, const Package& pkg,
                        const Value& text, Diagnostics& diagnostics);

/// The hint for a Jinja "'x' is undefined" message: the closest macro name, and that a
/// package's macros need the package; empty for other messages.
std::string UndefinedHint(const Manifest& manifest, const std::string& message);

/// The `refs` and `sources` lists of a node's manifest entry (each source once).
Value RefsValue(const Node& n);
Value SourcesValue(const Node& n);

/// Splits a macro or snapshot file into its top-level blocks, as dbt's block lexer does.
struct Block {
  std::string tag;   // macro | test | data_test | materialization | docs | snapshot
  std::string name;  // for test blocks without the test_ prefix
  std::string args;  // the text between the name and %} (macro parameters, materialization args)
  std::string full;  // the whole block, start tag to end tag
  std::string body;  // between the tags
  jinja::Position start;
  jinja::Position body_start;
};
std::vector<Block> SplitBlocks(const std::string& text, const std::vector<std::string>& tags,
                               std::string* error, jinja::Position* error_pos);

}  // namespace floe::dbt
