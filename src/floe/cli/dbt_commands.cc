// `floe dbt parse | compile | ls`: dbt's commands on dbt projects, natively, with dbt's flags, so
// that tools which call the `dbt` executable (dagster-dbt) can call floe instead.

#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "floe/base/heap.h"
#include "floe/base/node.h"
#include "floe/cli/context.h"
#include "floe/dbt/catalog.h"
#include "floe/dbt/compile.h"
#include "floe/dbt/freshness.h"
#include "floe/dbt/json.h"
#include "floe/dbt/parse.h"
#include "floe/dbt/resources.h"
#include "floe/dbt/run.h"
#include "floe/dbt/select.h"
#include "floe/dbt/show.h"
#include "floe/plugins/compute.h"

namespace floe::cli {
namespace {

struct DbtFlags {
  dbt::Invocation invocation;
  dbt::Selection selection;
  std::vector<std::string> models;  // -m/--models (legacy --select)
  std::string output = "selector";
  std::vector<std::string> output_keys;
  std::string state;
  std::string log_format;
  bool fail_fast = false;
  bool warn_error = false;
  std::string macro;                     // run-operation
  std::string args_yaml;                 // run-operation --args
  std::string inline_sql;                // show --inline
  int64_t limit = 5;                     // show --limit
  std::string show_output = "text";      // show --output
  bool clean_project_files_only = true;  // clean: refuse paths outside the project
  bool connection_only = false;          // debug --connection
};

// The compute engine of the profile target, through the compute plugin of its type (opened on
// first use: commands that never query open nothing). A relative DuckDB path is the project's.
std::unique_ptr<dbt::Engine> MakeEngine(CommandContext& ctx, const dbt::Project& project) {
  const auto* plugin =
      ctx.registry().FindAs<plugins::ComputePlugin>("compute", project.target.type());
  plugins::Json target =
      plugins::Json::parse(dbt::ToJson(jinja::Value(project.target.fields)), nullptr, false);
  if (target.contains("path") && target["path"].is_string()) {
    std::string p = target["path"].get<std::string>();
    if (p != ":memory:" && !p.empty() && std::filesystem::path(p).is_relative())
      target["path"] = (std::filesystem::path(project.root().dir) / p).string();
  }
  std::string type = project.target.type();
  return std::make_unique<dbt::Engine>(
      [plugin, target, type](std::string* error) -> std::unique_ptr<plugins::ComputeDatabase> {
        if (plugin == nullptr) {
          *error = "no compute plugin for the profile's adapter type '" + type + "'";
          return nullptr;
        }
        return plugin->Open(target, error);
      });
}

void AddCommonFlags(CLI::App* cmd, DbtFlags& f) {
  cmd->add_option("--project-dir", f.invocation.project_dir, "the dbt project folder");
  cmd->add_option("--profiles-dir", f.invocation.profiles_dir, "folder of profiles.yml");
  cmd->add_option("-t,--target", f.invocation.target, "the profile target");
  cmd->add_option("--vars", f.invocation.vars_yaml, "variables as a YAML or JSON dictionary");
  cmd->add_option("--target-path", f.invocation.target_path, "where artifacts are written");
  cmd->add_option("--threads", f.invocation.threads, "threads (accepted for dbt compatibility)");
  cmd->add_option("--state", f.state, "a folder with a previous manifest.json");
  cmd->add_option("--log-format", f.log_format, "text or json (dbt's flag)");
  cmd->add_flag("--full-refresh", f.invocation.full_refresh, "full refresh");
  cmd->add_flag("-x,--fail-fast", f.fail_fast, "stop at the first failure");
  cmd->add_flag("--empty", f.invocation.empty, "build with refs and sources read as empty");
  cmd->add_flag("--warn-error", f.warn_error, "treat warnings (tests that warn) as errors");
  for (const char* ignored :
       {"--log-level", "--log-path", "--log-format-file", "--log-level-file", "--printer-width"}) {
    cmd->add_option(std::string(ignored))->description("accepted for dbt compatibility")->group("");
  }
  for (const char* ignored :
       {"--no-partial-parse", "--partial-parse", "--use-colors", "--no-use-colors",
        "--no-version-check", "--quiet", "-q", "--write-json", "--no-write-json", "--static-parser",
        "--no-static-parser", "--debug"}) {
    cmd->add_flag(std::string(ignored))->description("accepted for dbt compatibility")->group("");
  }
}

void AddSelectionFlags(CLI::App* cmd, DbtFlags& f) {
  cmd->add_option("-s,--select", f.selection.select, "nodes to select")->expected(1, -1);
  cmd->add_option("-m,--models", f.models, "nodes to select (legacy spelling)")->expected(1, -1);
  cmd->add_option("--exclude", f.selection.exclude, "nodes to exclude")->expected(1, -1);
  cmd->add_option("--selector", f.selection.selector, "a selector of selectors.yml");
  cmd->add_option("--indirect-selection", f.selection.indirect,
                  "how tests are selected: eager, cautious, buildable, empty");
  cmd->add_option("--resource-type,--resource-types", f.selection.resource_types,
                  "resource types to list")
      ->expected(1, -1);
  cmd->add_option("--exclude-resource-type,--exclude-resource-types",
                  f.selection.exclude_resource_types, "resource types not to list")
      ->expected(1, -1);
}

// Loads and parses the project; prints diagnostics. Returns null on failure (exit code set).
std::unique_ptr<dbt::Project> Load(CommandContext& ctx, DbtFlags& f, dbt::Session& session) {
  Diagnostics diagnostics;
  auto project = dbt::LoadProject(f.invocation, diagnostics);
  if (!project) {
    ctx.Report(diagnostics);
    return nullptr;
  }
  {
    std::time_t now = std::time(nullptr);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000000Z", std::gmtime(&now));
    project->run_started_at = buf;
  }
  session.project = project.get();
  if (!dbt::ParseProject(*project, session, diagnostics)) {
    ctx.Report(diagnostics);
    return nullptr;
  }
  if (!diagnostics.empty())
    ctx.Report(diagnostics);
  return project;
}

// The nodes the selection flags select; false (reported) when the selection is invalid.
bool Select(CommandContext& ctx, DbtFlags& f, dbt::Project& project, std::set<std::string>* out) {
  Diagnostics diagnostics;
  *out = dbt::SelectNodes(project, f.selection, diagnostics);
  if (diagnostics.has_errors()) {
    ctx.Report(diagnostics);
    return false;
  }
  return true;
}

// dbt's environment variables for what its flags set (dagster-dbt passes them this way).
void ApplyDbtEnvironment(DbtFlags& f) {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
  };
  if ((f.invocation.project_dir.empty() || f.invocation.project_dir == ".") &&
      !env("DBT_PROJECT_DIR").empty())
    f.invocation.project_dir = env("DBT_PROJECT_DIR");
  if (f.invocation.target_path.empty() && !env("DBT_TARGET_PATH").empty())
    f.invocation.target_path = env("DBT_TARGET_PATH");
  if (f.log_format.empty())
    f.log_format = env("DBT_LOG_FORMAT");
}

// `dbt retry`: the previous invocation's command and flags (its run_results.json args), on the
// nodes that did not succeed (error, fail, skipped). False (reported) when there is none.
bool LoadRetry(CommandContext& ctx, DbtFlags& f, std::string* command, std::set<std::string>* ids) {
  std::string target = f.invocation.target_path.empty() ? "target" : f.invocation.target_path;
  std::filesystem::path dir = std::filesystem::path(target).is_absolute()
                                  ? std::filesystem::path(target)
                                  : std::filesystem::path(f.invocation.project_dir) / target;
  std::string text;
  Diagnostics diagnostics;
  if (!std::filesystem::exists(dir / "run_results.json") ||
      !ReadFile((dir / "run_results.json").string(), text, diagnostics)) {
    ctx.Fail(Code::kDbtState,
             "Could not find previous run in '" + dir.string() + "' target directory",
             "run a command first (seed, run, test, snapshot or build); retry re-runs what failed");
    return false;
  }
  plugins::Json previous = plugins::Json::parse(text, nullptr, false);
  const plugins::Json* args =
      previous.is_object() && previous.contains("args") && previous["args"].is_object()
          ? &previous["args"]
          : nullptr;
  std::string which = args != nullptr && args->contains("which") && (*args)["which"].is_string()
                          ? (*args)["which"].get<std::string>()
                          : "";
  if (which != "seed" && which != "run" && which != "test" && which != "build" &&
      which != "snapshot") {
    ctx.Fail(Code::kDbtState,
             "the previous run (" + (which.empty() ? std::string("unknown") : which) +
                 ") is not one retry can repeat",
             "retry repeats seed, run, test, snapshot or build");
    return false;
  }
  *command = which;
  auto flag = [&](const char* key) {
    return args->contains(key) && (*args)[key].is_boolean() && (*args)[key].get<bool>();
  };
  f.invocation.full_refresh = f.invocation.full_refresh || flag("full_refresh");
  f.invocation.empty = f.invocation.empty || flag("empty");
  f.warn_error = f.warn_error || flag("warn_error");
  if (f.invocation.vars_yaml.empty() && args->contains("vars") && (*args)["vars"].is_object() &&
      !(*args)["vars"].empty())
    f.invocation.vars_yaml = (*args)["vars"].dump();
  if (f.invocation.target.empty() && args->contains("target") && (*args)["target"].is_string())
    f.invocation.target = (*args)["target"].get<std::string>();
  if (f.invocation.threads == 0 && args->contains("threads") && (*args)["threads"].is_number())
    f.invocation.threads = (*args)["threads"].get<int>();
  for (const auto& r : previous.value("results", plugins::Json::array())) {
    std::string status = r.value("status", "");
    if (status == "error" || status == "fail" || status == "skipped" || status == "runtime error" ||
        status == "partial success")
      ids->insert(r.value("unique_id", ""));
  }
  return true;
}

// docs generate's artifacts: catalog.json, and run_results.json for the compiled nodes.
bool WriteDocs(const dbt::Project& project, dbt::Session& session,
               const std::set<std::string>& selected, Diagnostics& diagnostics) {
  std::vector<const dbt::Node*> nodes;
  for (const auto& n : project.manifest.nodes) {
    if (selected.count(n->unique_id) != 0 && dbt::ManifestSection(n->resource_type) == "nodes")
      nodes.push_back(n.get());
  }
  return dbt::WriteCatalog(project, session, diagnostics) &&
         dbt::WriteCompileResults(project, "generate", nodes, diagnostics);
}

int RunDbt(CommandContext& ctx, DbtFlags& f, std::string command) {
  TuneHeapForOneShotCommand();
  ApplyDbtEnvironment(f);
  std::set<std::string> retry_ids;
  bool retry = command == "retry";
  if (retry && !LoadRetry(ctx, f, &command, &retry_ids))
    return ctx.exit_code;
  f.invocation.command = command;
  for (const std::string& m : f.models)
    f.selection.select.push_back(m);
  std::unique_ptr<dbt::PreviousState> state;
  if (!f.state.empty()) {
    Diagnostics state_diagnostics;
    state = dbt::PreviousState::Load(f.state, state_diagnostics);
    if (!state) {
      ctx.Report(state_diagnostics);
      return ctx.exit_code;
    }
    f.selection.state = state.get();
  }
  auto session = std::make_unique<dbt::Session>();
  auto project = Load(ctx, f, *session);
  if (!project)
    return ctx.exit_code;
  bool runs = command == "run" || command == "seed" || command == "test" || command == "build" ||
              command == "snapshot" || command == "freshness";
  bool docs = command == "generate";             // dbt docs generate: compile, then the catalog
  if (command != "compile" && !runs && !docs) {  // nothing renders again: templates can go
    for (const auto& node : project->manifest.nodes)
      node->tpl.reset();
  }
  Diagnostics diagnostics;
  std::string target = dbt::TargetDir(*project);
  std::set<std::string> selected;
  bool needs_selection = command == "ls" || command == "compile" || runs || docs;
  if (retry) {
    selected = std::move(retry_ids);
  } else if (needs_selection) {
    f.selection.listing = command == "ls";
    if (!Select(ctx, f, *project, &selected))
      return ctx.exit_code;
  }
  std::unique_ptr<dbt::Engine> engine = MakeEngine(ctx, *project);
  session->engine = engine.get();
  if (runs) {
    dbt::RunOptions options;
    options.command = command;
    const jinja::Value* threads = project->target.fields.FindKey("threads");
    options.threads = f.invocation.threads > 0 ? f.invocation.threads
                      : threads != nullptr && threads->is_int()
                          ? static_cast<int>(threads->as_int())
                          : 1;
    options.fail_fast = f.fail_fast;
    options.warn_error = f.warn_error;
    options.out = &std::cout;
    options.json_log = f.log_format == "json";
    int code = command == "freshness"
                   ? dbt::CheckSourceFreshness(*project, *session, selected, options, diagnostics)
                   : dbt::RunNodes(*project, *session, selected, options, diagnostics);
    if (!dbt::WriteManifest(*project, target + "/manifest.json", diagnostics) && code == 0)
      code = 2;
    if (!diagnostics.empty())
      ctx.Report(diagnostics);
    ctx.DisposeAtExit(std::move(project));
    ctx.DisposeAtExit(std::move(session));
    engine.reset();  // closes the database: what was committed is checkpointed
    return code;
  }
  // Written while the manifest is built; target/compiled/.floe_written remembers them (an
  // unchanged file is then not read back).
  bool compiles = command == "compile" || docs;
  BackgroundWriter compiled_files(compiles ? target + "/compiled/.floe_written" : "");
  if (compiles) {
    if (!dbt::CompileNodes(*project, *session, &selected, compiled_files, diagnostics)) {
      compiled_files.Finish(diagnostics);
      ctx.Report(diagnostics);
      return ctx.exit_code;
    }
  }
  bool written =
      command == "ls" || dbt::WriteManifest(*project, target + "/manifest.json", diagnostics);
  if (!compiled_files.Finish(diagnostics) || !written ||
      (docs && !WriteDocs(*project, *session, selected, diagnostics))) {
    ctx.Report(diagnostics);
    return ctx.exit_code;
  }
  if (command == "ls") {
    std::string out;
    for (const std::string& line : dbt::ListOutput(*project, selected, f.output, f.output_keys))
      out += line + "\n";
    std::cout << out;
  } else if (!ctx.quiet) {
    size_t n = 0;
    for (const auto& node : project->manifest.nodes)
      n += node->compiled ? 1 : 0;
    std::cerr << "floe dbt " << command << ": " << project->manifest.nodes.size() << " nodes, "
              << project->manifest.macros.size() << " macros"
              << (command == "compile" ? ", " + std::to_string(n) + " compiled" : "") << "; wrote "
              << target << "/manifest.json\n";
  }
  ctx.DisposeAtExit(std::move(project));
  ctx.DisposeAtExit(std::move(session));
  engine.reset();
  return 0;
}

// `dbt run-operation MACRO --args '{…}'`: the macro called with execute=True (its statements
// committed), in the root project's context.
int RunOperation(CommandContext& ctx, DbtFlags& f) {
  TuneHeapForOneShotCommand();
  ApplyDbtEnvironment(f);
  f.invocation.command = "run-operation";
  auto session = std::make_unique<dbt::Session>();
  auto project = Load(ctx, f, *session);
  if (!project)
    return ctx.exit_code;
  std::vector<std::pair<std::string, jinja::Value>> keywords;
  if (!f.args_yaml.empty()) {
    Document doc;
    Diagnostics diagnostics;
    if (!ParseYaml(f.args_yaml, doc, diagnostics) || !doc.root.is_map()) {
      ctx.Fail(Code::kDbtVars, "--args must be a YAML or JSON dictionary: " + f.args_yaml,
               "for example --args '{table: orders, days: 7}'");
      return ctx.exit_code;
    }
    jinja::Value args = dbt::FromYaml(doc.root);
    for (const auto& [k, v] : args.as_dict().entries())
      keywords.emplace_back(k.Str(), v);
  }
  std::unique_ptr<dbt::Engine> engine = MakeEngine(ctx, *project);
  session->engine = engine.get();
  // The operation's own node: the root project's, in the target's database and schema.
  dbt::Node op;
  op.resource_type = "operation";
  op.name = f.macro;
  op.package = project->root().name;
  op.unique_id = "operation." + op.package + "." + f.macro;
  jinja::Dict data;
  data.Set(jinja::Value("unique_id"), jinja::Value(op.unique_id));
  data.Set(jinja::Value("name"), jinja::Value(op.name));
  data.Set(jinja::Value("resource_type"), jinja::Value("operation"));
  data.Set(jinja::Value("package_name"), jinja::Value(op.package));
  data.Set(jinja::Value("database"), jinja::Value(project->target.database()));
  data.Set(jinja::Value("schema"), jinja::Value(project->target.schema()));
  data.Set(jinja::Value("config"), jinja::Value(jinja::Dict()));
  op.data = jinja::Value(std::move(data));
  // The macro's unique_id in run_results: macro.<package>.<name>.
  std::string macro_id;
  {
    size_t dot = f.macro.find('.');
    std::string name = dot == std::string::npos ? f.macro : f.macro.substr(dot + 1);
    std::string package = dot == std::string::npos ? "" : f.macro.substr(0, dot);
    for (const auto& m : project->manifest.macros) {
      if (m->name == name && (package.empty() || m->package == package) &&
          (macro_id.empty() || m->package == project->root().name))
        macro_id = m->unique_id;
    }
    if (macro_id.empty())
      macro_id = "macro." + (package.empty() ? project->root().name : package) + "." + name;
  }
  int code = 0;
  std::string message;
  auto started = std::chrono::steady_clock::now();
  try {
    dbt::CallMacro(*session, op, f.macro, {}, dbt::Phase::kCompile, std::move(keywords));
    std::string error;
    if (!engine->Commit(&error))
      throw dbt::CompilationError{"Runtime Error\n  " + error};
  } catch (const jinja::TemplateError& e) {
    message = e.message;
    code = 1;
  } catch (const dbt::CompilationError& e) {
    message = e.message;
    code = 1;
  } catch (const jinja::MacroReturn&) {
  }
  if (code != 0) {
    std::cerr << "Encountered an error while running operation: " << message << "\n";
    engine->Rollback();
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Diagnostics diagnostics;
  if (!dbt::WriteOperationResults(*project, macro_id, code == 0, message, 0, seconds,
                                  diagnostics)) {
    ctx.Report(diagnostics);
    code = 2;
  }
  engine.reset();
  ctx.DisposeAtExit(std::move(project));
  ctx.DisposeAtExit(std::move(session));
  return code;
}

// `dbt show`: the selected node's rows (or --inline's), up to --limit.
int Show(CommandContext& ctx, DbtFlags& f) {
  TuneHeapForOneShotCommand();
  ApplyDbtEnvironment(f);
  f.invocation.command = "show";
  for (const std::string& m : f.models)
    f.selection.select.push_back(m);
  if (f.inline_sql.empty() && f.selection.select.empty()) {
    ctx.Fail(Code::kUsage, "dbt show needs --select or --inline",
             "for example `dbt show --select orders` or `dbt show --inline \"select 1\"`");
    return ctx.exit_code;
  }
  auto session = std::make_unique<dbt::Session>();
  auto project = Load(ctx, f, *session);
  if (!project)
    return ctx.exit_code;
  Diagnostics diagnostics;
  std::set<std::string> selected;
  if (f.inline_sql.empty() && !Select(ctx, f, *project, &selected))
    return ctx.exit_code;
  std::unique_ptr<dbt::Engine> engine = MakeEngine(ctx, *project);
  session->engine = engine.get();
  dbt::ShowOptions options;
  options.limit = f.limit;
  options.output = f.show_output;
  options.json_log = f.log_format == "json";
  options.out = &std::cout;
  int code = dbt::ShowNodes(*project, *session, selected, f.inline_sql, options, diagnostics);
  if (!diagnostics.empty())
    ctx.Report(diagnostics);
  engine.reset();
  ctx.DisposeAtExit(std::move(project));
  ctx.DisposeAtExit(std::move(session));
  return code;
}

// `dbt clean`: removes the project's clean-targets (default: the target path), never a source
// path, and (unless --no-clean-project-files-only) nothing outside the project.
int Clean(CommandContext& ctx, DbtFlags& f) {
  ApplyDbtEnvironment(f);
  f.invocation.command = "clean";
  f.invocation.needs_profile = false;
  Diagnostics diagnostics;
  auto project = dbt::LoadProject(f.invocation, diagnostics);
  if (!project) {
    ctx.Report(diagnostics);
    return ctx.exit_code;
  }
  namespace fs = std::filesystem;
  const dbt::Package& root = project->root();
  fs::path dir(root.dir);
  auto resolve = [&](const std::string& p) { return fs::weakly_canonical(dir / p); };
  std::set<fs::path> sources;
  for (const auto* paths : {&root.model_paths, &root.seed_paths, &root.snapshot_paths,
                            &root.analysis_paths, &root.macro_paths, &root.test_paths}) {
    for (const std::string& p : *paths)
      sources.insert(resolve(p));
  }
  std::vector<fs::path> targets;
  std::string refused, outside;
  for (const std::string& t : root.clean_targets) {
    fs::path p = resolve(t);
    if (std::find(targets.begin(), targets.end(), p) != targets.end())
      continue;
    if (sources.count(p) != 0)
      refused += (refused.empty() ? "'" : ", '") + p.string() + "'";
    auto rel = p.lexically_relative(dir);
    if (rel.empty() || *rel.begin() == "..")
      outside += (outside.empty() ? "'" : ", '") + p.string() + "'";
    targets.push_back(p);
  }
  if (!refused.empty()) {
    ctx.Fail(Code::kDbtProjectInvalid,
             "dbt will not clean the following source paths: [" + refused + "]",
             "remove them from clean-targets in dbt_project.yml");
    return ctx.exit_code;
  }
  if (!outside.empty() && f.clean_project_files_only) {
    ctx.Fail(Code::kDbtProjectInvalid,
             "dbt will not clean the following directories outside the project: [" + outside + "]",
             "pass --no-clean-project-files-only to clean them anyway");
    return ctx.exit_code;
  }
  bool json = f.log_format == "json";
  std::string out;
  for (const fs::path& p : targets) {
    out += dbt::LogLine(*project, json, "CheckCleanPath", "Z012", "Checking " + p.string() + "/*");
    std::error_code ec;
    fs::remove_all(p, ec);
    out += dbt::LogLine(*project, json, "ConfirmCleanPath", "Z013", "Cleaned " + p.string() + "/*");
  }
  out += dbt::LogLine(*project, json, "FinishedCleanPaths", "Z015", "Finished cleaning all paths.");
  std::cout << out;
  return 0;
}

// `dbt debug`: where the profile and project are, and whether the target's database answers.
int Debug(CommandContext& ctx, DbtFlags& f) {
  ApplyDbtEnvironment(f);
  f.invocation.command = "debug";
  Diagnostics diagnostics;
  auto project = dbt::LoadProject(f.invocation, diagnostics);
  bool json = f.log_format == "json";
  dbt::Project placeholder;
  const dbt::Project& p = project ? *project : placeholder;
  auto say = [&](const std::string& msg) {
    std::cout << dbt::LogLine(p, json, "DebugCmdOut", "Z047", msg);
  };
  std::string dir =
      std::filesystem::weakly_canonical(std::filesystem::absolute(f.invocation.project_dir))
          .string();
  say("dbt version: 1.11.16 (floe " FLOE_VERSION ")");
  if (!project) {
    say("Using dbt_project.yml file at " + dir + "/dbt_project.yml");
    ctx.Report(diagnostics);
    std::cout << dbt::LogLine(p, json, "DebugCmdResult", "Z048", "1 check failed:");
    return 1;
  }
  say("Using profiles.yml file at " + project->target.profiles_file);
  say("Using dbt_project.yml file at " + project->root().dir + "/dbt_project.yml");
  say("adapter type: " + project->target.type());
  say("adapter version: 1.11 (floe's own)");
  if (!f.connection_only) {
    say("Configuration:");
    say("  profiles.yml file [OK found and valid]");
    say("  dbt_project.yml file [OK found and valid]");
  }
  say("Connection:");
  for (const auto& [k, v] : project->target.fields.entries()) {
    std::string key = k.Str();
    if (key == "password" || key == "pass" || key == "type" || key == "threads")
      continue;
    say("  " + key + ": " + v.Str());
  }
  std::unique_ptr<dbt::Engine> engine = MakeEngine(ctx, *project);
  dbt::QueryTable table;
  std::string error;
  bool ok = engine->Execute("select 1 as id", &table, &error, /*auto_begin=*/false);
  say(ok ? "  Connection test: [OK connection ok]" : "  Connection test: [ERROR]");
  std::cout << "\n";
  if (!ok) {
    std::cout << dbt::LogLine(p, json, "DebugCmdResult", "Z048",
                              "1 check failed:\ndbt was unable to connect to the specified "
                              "database.\nThe database returned the following error:\n\n  >" +
                                  error + "\n");
    return 1;
  }
  std::cout << dbt::LogLine(p, json, "DebugCmdResult", "Z048", "All checks passed!");
  return 0;
}

}  // namespace

void AddDbtCommands(CLI::App& dbt, CommandContext& ctx) {
  {
    CLI::App* docs = dbt.add_subcommand("docs", "dbt's documentation artifacts");
    docs->require_subcommand(1);
    auto flags = std::make_shared<DbtFlags>();
    CLI::App* cmd = docs->add_subcommand(
        "generate", "compile the project and write target/catalog.json from the database");
    AddCommonFlags(cmd, *flags);
    AddSelectionFlags(cmd, *flags);
    cmd->callback([&ctx, flags] { ctx.exit_code = RunDbt(ctx, *flags, "generate"); });
  }
  {
    CLI::App* source = dbt.add_subcommand("source", "dbt's source commands");
    source->require_subcommand(1);
    auto flags = std::make_shared<DbtFlags>();
    CLI::App* cmd = source->add_subcommand(
        "freshness", "check how recently the selected sources were loaded (target/sources.json)");
    AddCommonFlags(cmd, *flags);
    AddSelectionFlags(cmd, *flags);
    cmd->callback([&ctx, flags] { ctx.exit_code = RunDbt(ctx, *flags, "freshness"); });
  }
  {
    auto flags = std::make_shared<DbtFlags>();
    CLI::App* cmd =
        dbt.add_subcommand("show", "preview the rows of a node's SQL or of an inline query");
    AddCommonFlags(cmd, *flags);
    AddSelectionFlags(cmd, *flags);
    cmd->add_option("--inline", flags->inline_sql, "an SQL query (ref, source and macros allowed)");
    cmd->add_option("--limit", flags->limit, "rows to show (-1: all; default 5)");
    cmd->add_option("--output,-o", flags->show_output, "text or json");
    cmd->callback([&ctx, flags] { ctx.exit_code = Show(ctx, *flags); });
  }
  {
    auto flags = std::make_shared<DbtFlags>();
    CLI::App* cmd = dbt.add_subcommand("clean", "remove the clean-targets of dbt_project.yml");
    AddCommonFlags(cmd, *flags);
    cmd->add_flag("--clean-project-files-only,!--no-clean-project-files-only",
                  flags->clean_project_files_only,
                  "refuse to remove paths outside the project (default)");
    cmd->callback([&ctx, flags] { ctx.exit_code = Clean(ctx, *flags); });
  }
  {
    auto flags = std::make_shared<DbtFlags>();
    CLI::App* cmd =
        dbt.add_subcommand("debug", "show the profile and project in use and test the connection");
    AddCommonFlags(cmd, *flags);
    cmd->add_flag("--connection", flags->connection_only, "only test the connection");
    cmd->callback([&ctx, flags] { ctx.exit_code = Debug(ctx, *flags); });
  }
  {
    auto flags = std::make_shared<DbtFlags>();
    CLI::App* cmd = dbt.add_subcommand("run-operation", "run a macro (its SQL is committed)");
    cmd->add_option("macro", flags->macro, "the macro: name or package.name")->required();
    cmd->add_option("--args", flags->args_yaml, "the macro's arguments, a YAML dictionary");
    AddCommonFlags(cmd, *flags);
    cmd->callback([&ctx, flags] { ctx.exit_code = RunOperation(ctx, *flags); });
  }
  for (const char* name :
       {"parse", "compile", "ls", "list", "seed", "run", "test", "build", "snapshot"}) {
    auto flags = std::make_shared<DbtFlags>();
    std::string command = std::string(name) == "list" ? "ls" : name;
    static const std::map<std::string, std::string> kAbout = {
        {"parse", "parse the project and write target/manifest.json"},
        {"compile", "compile selected nodes to target/compiled and write the manifest"},
        {"ls", "list the selected resources"},
        {"seed", "load the selected seeds' CSV files into tables"},
        {"run", "build the selected models"},
        {"test", "run the selected data tests and unit tests"},
        {"build", "seed, run, snapshot and test the selected nodes in DAG order"},
        {"snapshot", "record the changes of the selected snapshots' queries"},
        {"retry", "re-run the nodes of the previous run that failed or were skipped"}};
    CLI::App* cmd = dbt.add_subcommand(name, kAbout.at(command));
    AddCommonFlags(cmd, *flags);
    if (command != "parse")
      AddSelectionFlags(cmd, *flags);
    if (command == "ls") {
      cmd->add_option("--output,-o", flags->output, "selector, name, path or json");
      cmd->add_option("--output-keys", flags->output_keys,
                      "keys of --output json, separated by spaces")
          ->expected(1, -1);
    }
    cmd->callback([&ctx, flags, command] { ctx.exit_code = RunDbt(ctx, *flags, command); });
  }
}

}  // namespace floe::cli
