#pragma once
// The Jinja context dbt gives a node (ref, source, config, var, adapter, this, model, …) and the
// macro namespace (the node's package, the root project, packages by name, then floe's own
// library for `dbt`), for the two phases: parse (execute=False, captures refs and configs) and
// compile (execute=True, renders SQL with relations and may query the engine).

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "floe/dbt/engine.h"
#include "floe/dbt/project.h"
#include "floe/jinja/render.h"

namespace floe::dbt {

/// A node's depends_on.macros as a list value (shared, frozen, by consecutive equal lists).
Value MacroIdsValue(const std::vector<std::string_view>& ids);

/// A problem raised while rendering (exceptions.raise_compiler_error, a missing ref, …).
struct CompilationError {
  std::string message;
};

enum class Phase : uint8_t { kParse, kCompile };

/// Lookup tables built once per invocation: macros by package, dispatch order, namespaces.
class MacroIndex {
 public:
  explicit MacroIndex(const Project& project);
  const Macro* Find(const std::string& package, const std::string& name) const;
  /// Internal packages merged (adapter macros over the global project).
  const Macro* FindInternal(const std::string& name) const;
  /// The value a template gets for a package name (`dbt_utils.foo`).
  const Value* PackageNamespace(const std::string& package) const;
  static bool IsInternal(const std::string& package) {
    return package == "dbt" || package == "dbt_duckdb" || package == "dbt_postgres";
  }
  bool HasOverride(const std::string& name) const;  // a non-internal macro of that name
  /// The macro whose `{% macro %}` statement this is (null for a template's own macro).
  const Macro* ByStatement(const jinja::Stmt* stmt) const;
  /// No project or package overrides ref() or source() with a macro of that name.
  bool builtin_ref_and_source() const { return builtin_ref_and_source_; }

 private:
  // Looked up on every name a template reads that is not its own: hashed, by views.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  template <class T>
  using ByName = std::unordered_map<std::string, T, TextHash, std::equal_to<>>;
  ByName<ByName<const Macro*>> by_package_;
  ByName<const Macro*> internal_;
  ByName<Value> namespaces_;
  std::unordered_map<const jinja::Stmt*, const Macro*> by_statement_;
  bool builtin_ref_and_source_ = true;
};

/// Shared state of one invocation's renders. Nodes may render on several threads at once: what
/// is built on first use here is built once, under a lock.
struct Session {
  Project* project = nullptr;
  std::unique_ptr<MacroIndex> macro_index;  // built by ParseProject once macros are loaded
  const MacroIndex* macros = nullptr;
  Engine* engine = nullptr;  // null at parse, or when no engine could be opened
  Dict base;                 // the functions and values that do not depend on the node

  /// The `adapter` object of a phase.
  const Value& Adapter(Phase phase);
  /// The functions of a node's context (ref, source, config, var, load_result, …) for a
  /// phase, shared by every node: they find the node through the interpreter's host.
  const Dict& NodeFunctions(Phase phase);
  /// The `graph` context value while compiling: dbt's flat graph, {nodes, sources, exposures,
  /// metrics, groups, semantic_models, saved_queries, functions}, each unique_id -> the node's
  /// manifest dict (the nodes' own dicts, shared: templates read them). Built on first use.
  const Value& Graph();
  /// A generic test's text as a template (its `{{ test_unique(**…) }}` code, a kwarg such as
  /// `{{ get_where_subquery(ref('m')) }}`), parsed once per text and file while it is recent:
  /// many tests share them.
  std::shared_ptr<const jinja::Template> SharedTemplate(const std::string& text,
                                                        const std::string& file);

 private:
  std::once_flag adapter_once_[2];
  Value adapters_[2];
  std::once_flag node_functions_once_[2];
  Dict node_functions_[2];
  std::once_flag graph_once_;
  Value graph_;
  std::mutex templates_mutex_;
  std::unordered_map<std::string, std::shared_ptr<const jinja::Template>> shared_templates_;
};

/// While alive, log(), print() and exceptions.warn() of this thread's renders go to `buffer`
/// instead of stderr: workers rendering nodes in parallel keep each node's lines, which are
/// printed in node order afterwards, so output does not depend on thread timing.
class LogCapture {
 public:
  explicit LogCapture(std::string* buffer);
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  LogCapture(LogCapture&&) = delete;
  LogCapture& operator=(LogCapture&&) = delete;
  ~LogCapture();

 private:
  std::string* previous_;
};

/// Builds the node-independent part of the context (var without a package, env_var, target,
/// modules, fromjson, …). `session` may be null (profiles.yml rendering).
Dict BaseContext(const Project& project, Session* session);

/// Renders every string of a YAML value that holds Jinja, natively: `"{{ 3 }}"` becomes 3 and
/// `"{{ var('x') }}"` whatever the variable holds. Errors go to `diagnostics` against `file`.
Value RenderYamlValue(const Value& value, const Dict& context, const std::string& file,
                      Diagnostics& diagnostics);

/// Whether dbt wraps a test argument in {{ }} before rendering it: a call of env_var, ref,
/// var, source or doc on one line (dbt's regex ^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$).
bool LooksLikeFunction(const std::string& text);

/// One piece of a template made only of text and `{{ ref('…') }}` / `{{ source('…', '…') }}`
/// calls with literal string arguments: what dbt's static parser reads without rendering.
struct StaticCall {
  enum Kind : uint8_t { kText, kRef, kSource } kind = kText;
  const std::string* text = nullptr;           // kText: the template's own text
  RefCall ref;                                 // kRef
  std::pair<std::string, std::string> source;  // kSource
};
/// The pieces of `tpl` in order, when it is only such text and calls and no project or package
/// macro overrides ref() or source(); false (and `calls` unusable) otherwise.
bool StaticCalls(const Session& session, const jinja::Template& tpl,
                 std::vector<StaticCall>* calls);

/// `ref('m')`, `ref('p', 'm')`, `ref('m', version='1')` (with `with_version`) or
/// `source('s', 't')` with plain string literals: the call it makes, read without parsing a
/// template (a fast path; false for anything else, which a parse or render handles).
bool ParseStaticCall(std::string_view call, bool with_version, StaticCall* out);

/// Renders a node's raw code in `phase`. At parse it records refs, sources and config() calls
/// on the node; at compile it sets compiled_code. Throws CompilationError or jinja errors
/// (TemplateError), which the caller reports with the node's file.
std::string RenderNode(Session& session, Node& node, Phase phase);

/// Renders `text` (a hook, a test kwarg) in the context of `node`: what it refs and the macros
/// it calls are the node's, as with the node's own code.
std::string RenderInNode(Session& session, Node& node, Phase phase, const std::string& text,
                         const std::string& name, const Dict* extras = nullptr);

/// What a unit test's copy of its model reads instead of refs and sources: the CTE of each
/// input's fixture (dbt's ephemeral fixture nodes). A ref or source without one is an error.
struct UnitTestFixtures {
  std::map<std::string, std::string, std::less<>> cte_by_node;  // input unique_id -> CTE name
  std::string this_id;  // the input given as `this` (the model itself), or empty
  Dict macros;  // overrides.macros: name -> a function answering the given value (before macros)
  std::vector<std::string> used;  // the inputs the render read, in order of first use
};

/// The cells of a statement's result table (load_result(…).table) as the engine returned them,
/// or null when `table` is not one.
const std::vector<std::vector<std::optional<std::string>>>* TableText(const Value& table);

/// What a materialization returned, and the statement results it stored (load_result).
struct MaterializationResult {
  Value returned;  // {'relations': [...]} as dbt's materializations return it
  Dict results;    // name -> {response, table, data}
};

/// Runs the node's materialization macro (`materialization_<name>_<adapter>`, else `_default`:
/// the root project's, then the packages', then floe's library) with execute=True and
/// `extras` (sql, compiled_code, pre_hooks, post_hooks, …) in its context. Throws as RenderNode.
MaterializationResult RunMaterialization(Session& session, Node& node, const Dict& extras);

/// Calls a macro (e.g. generate_schema_name) in the context of `node`, returns its value.
Value CallMacro(Session& session, Node& node, const std::string& name, List args,
                Phase phase = Phase::kParse,
                std::vector<std::pair<std::string, Value>> keywords = {});

/// The relation a node materializes to (None for ephemeral).
Value RelationOf(const Session& session, const Node& node);

/// `"db"."schema"."identifier"` as dbt-duckdb renders it, each part quoted unless `quoting`
/// (the project's `quoting:`, or a source's) says false for it.
std::string RenderRelationName(const std::string& database, const std::string& schema,
                               const std::string& identifier, const Value& quoting);

/// Renders a jinja error or compilation error raised in `file` as a diagnostic.
void ReportRenderError(Diagnostics& diagnostics, const std::string& file, jinja::Position pos,
                       const std::string& message, Code code = Code::kDbtJinja);

}  // namespace floe::dbt
