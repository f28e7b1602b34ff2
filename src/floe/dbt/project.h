#pragma once
// A dbt project as dbt loads it: dbt_project.yml of the root project and of every package,
// profiles.yml, the flags of the invocation, and the parsed graph (manifest) built from the files.

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "floe/base/diagnostic.h"
#include "floe/base/node.h"
#include "floe/jinja/ast.h"
#include "floe/jinja/value.h"

namespace floe::dbt {

using jinja::Dict;
using jinja::List;
using jinja::Value;

/// What the command line says (dbt's flags that matter before selection).
struct Invocation {
  std::string command = "compile";  // parse | compile | ls
  std::string project_dir = ".";
  std::string profiles_dir;  // empty: DBT_PROFILES_DIR, then the project dir/cwd, then ~/.dbt
  std::string target;        // empty: the profile's default
  std::string vars_yaml;     // --vars
  std::string target_path;   // empty: dbt_project.yml's target-path or "target"
  int threads = 0;
  bool full_refresh = false;
  bool empty = false;         // --empty: refs and sources read as empty (schema-only builds)
  bool needs_profile = true;  // false for commands that read only dbt_project.yml (clean)
};

/// One dbt project: the root or a package.
struct Package {
  std::string name;
  std::string dir;  // absolute
  bool root = false;
  std::vector<std::string> model_paths, seed_paths, test_paths, analysis_paths, macro_paths,
      snapshot_paths, docs_paths;
  Value vars;    // dict
  Dict configs;  // "models" | "seeds" | "snapshots" | "data_tests" | "sources" | … → tree
  Value on_run_start, on_run_end;  // lists of SQL strings
  Value dispatch;                  // list of {macro_namespace, search_order}
  Value quoting;                   // dict
  Value flags;                     // dict: dbt_project.yml `flags:` (behavior flags)
  std::string target_path = "target";
  std::vector<std::string> clean_targets;  // `clean-targets` (default: the target path)
  std::string project_checksum;  // sha256 of dbt_project.yml, stripped (on-run hook nodes)
};

/// The profile target the invocation runs against.
struct Target {
  std::string profile_name;
  std::string name;
  std::string profiles_file;  // the profiles.yml it comes from (absolute)
  Dict fields;                // type, database, schema, threads, path, … (rendered)
  std::string type() const;
  std::string database() const;
  std::string schema() const;
};

/// A call of ref() found while parsing a node.
struct RefCall {
  std::string package;  // empty when not given
  std::string name;
  Value version;  // None when not given
};

struct UnitTestFixtures;

/// A position in a project file, for diagnostics.
struct FilePos {
  std::string path;  // relative to the project dir for the root, as dbt prints it
  uint32_t line = 0;
  uint32_t column = 0;
};

/// A short text compared with literals many times per node (a resource type). Equal to a literal
/// when its size and bytes are, checked inline: std::string's `==` with a literal measures the
/// literal and calls compare() on every call.
class ShortName : public std::string {
 public:
  using std::string::string;
  using std::string::operator=;
  ShortName(const std::string& s) : std::string(s) {}        // NOLINT(google-explicit-constructor)
  ShortName(std::string&& s) : std::string(std::move(s)) {}  // NOLINT(google-explicit-constructor)
  template <size_t N>
  bool operator==(const char (&literal)[N]) const {
    return size() == N - 1 && std::memcmp(data(), literal, N - 1) == 0;
  }
  template <size_t N>
  bool operator!=(const char (&literal)[N]) const {
    return !(*this == literal);
  }
};

/// A node of the graph (model, seed, snapshot, test, analysis, operation), a source, an
/// exposure, a metric, … Its manifest form is `data` (the dict templates see as `model`);
/// the typed fields are what the engine works with.
struct Node {
  ShortName resource_type;
  std::string unique_id;
  std::string name;
  std::string package;
  std::string original_file_path;  // relative to the package dir
  std::string path;                // relative to its resource path
  std::vector<std::string> fqn;
  std::string raw_code;                        // the file's text, stripped as dbt strips it
  Value checksum;                              // sha256 (hex) of the stripped file text
  std::shared_ptr<const jinja::Template> tpl;  // raw_code parsed once
  FilePos pos;                                 // where the node is defined
  Dict* config = nullptr;                      // points into data["config"]
  Value data;                                  // dict in dbt's manifest field order
  std::vector<RefCall> refs;
  std::vector<std::pair<std::string, std::string>> sources;
  std::vector<std::string> depends_on;   // unique_ids, filled by the linker
  std::vector<std::string> direct_deps;  // dependencies that are not refs or sources (metrics)
  std::vector<std::string_view> depends_macros;  // depends_on.macros: views of Macro::unique_id
  Value config_call;          // dict: configs from {{ config() }} and from the test builder
  Value config_call_written;  // dict: the same as written (for unrendered_config), or Undefined
  bool enabled = true;
  bool refs_known = false;  // a generic test whose refs were read off its YAML: not parse-rendered
  bool compiled = false;
  std::string compiled_code;
  Value extra_ctes;  // list of {id, sql}
  /// A unit test's copy of its model: what its refs and sources read instead (else null).
  UnitTestFixtures* fixtures = nullptr;
  bool is_ephemeral() const;
  /// Where `dbt compile` writes the compiled SQL, relative to the target path.
  std::string compiled_sql_path() const;
  ShortName materialized() const;
};

/// A macro from a file of macro-paths (or floe's own library).
struct Macro {
  std::string name;
  std::string package;
  std::string unique_id;
  std::string original_file_path;
  std::string macro_sql;
  std::shared_ptr<const jinja::Template> tpl;
  const jinja::Stmt* stmt = nullptr;
  Value callable;
  std::vector<std::string> arguments;
};

struct Manifest {
  std::vector<std::unique_ptr<Node>> nodes;  // every resource, in parse order
  std::map<std::string, Node*, std::less<>> by_id;
  /// Models, seeds and snapshots by name (what ref() looks up), built after parsing.
  std::map<std::string, std::vector<const Node*>, std::less<>> refable;
  std::vector<std::unique_ptr<Node>> disabled;
  std::vector<std::unique_ptr<Macro>> macros;
  Dict docs;  // doc unique_id -> dict
  /// unique_id -> the unique_ids of its parents (children), sorted; the ids are views of the
  /// nodes' own unique_id strings.
  using GraphMap = std::map<std::string_view, std::vector<std::string_view>, std::less<>>;
  GraphMap parent_map, child_map;
  Value selectors;  // dict
};

class Project {
 public:
  Invocation invocation;
  std::vector<std::unique_ptr<Package>> packages;  // [0] is the root
  Target target;
  Value cli_vars;       // dict
  Value selectors_yml;  // selectors.yml content as a value (or None)
  Manifest manifest;
  std::string invocation_id;
  std::string run_started_at;

  const Package& root() const { return *packages[0]; }
  Package* FindPackage(const std::string& name) const;
};

/// Reads dbt_project.yml, packages and profiles.yml. Problems go to `diagnostics`.
std::unique_ptr<Project> LoadProject(const Invocation& invocation, Diagnostics& diagnostics);

/// The unique_id a ref() of `from` points at, as dbt resolves it (the root project, then the
/// node's package, then any package; the latest version unless one is asked); empty if none.
std::string ResolveRef(const Project& project, const Node& from, const RefCall& ref);
/// The same node itself, or null.
const Node* ResolveRefNode(const Project& project, const Node& from, const RefCall& ref);

/// The source a source() of `from` points at: the root project's, then the node's package's,
/// then any package's; null if none.
const Node* FindSource(const Project& project, const Node& from, const std::string& source,
                       const std::string& table);

/// Converts a YAML node into a template value (maps keep their order).
Value FromYaml(const floe::Node& node);

/// Small readers of YAML-shaped values: None; `d[key]` or None when absent; `d[key]` or
/// `fallback` when absent or None.
Value None();
const Value& Get(const Dict& d, std::string_view key);
Value OrDefault(const Dict& d, std::string_view key, Value fallback);

/// dbt's messages name files relative to the root project, as the user wrote them.
std::string DisplayPath(const Project& project, const Package& package, const std::string& rel);

}  // namespace floe::dbt
