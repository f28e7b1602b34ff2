#include "floe/dbt/run.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "floe/base/fs.h"
#include "floe/dbt/compile.h"
#include "floe/dbt/json.h"
#include "floe/dbt/resources.h"
#include "floe/dbt/unit_test.h"

namespace floe::dbt {
namespace {

using Clock = std::chrono::system_clock;

std::string ClockTime() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

struct Timing {
  std::string name;
  Clock::time_point started, completed;
};

// One node's run_results entry.
struct NodeResult {
  std::string status;  // success error skipped | pass fail warn
  std::vector<Timing> timing;
  std::string thread_id;
  double execution_time = 0;
  Value adapter_response = Value(Dict());
  Value message = Value::MakeNone();
  Value failures = Value::MakeNone();
  bool blocks_children = false;  // an error, or a test failing with severity error
};

// One run_results.json entry.
Value ResultEntry(const std::string& unique_id, const NodeResult& r, Value compiled,
                  Value compiled_code, Value relation_name) {
  Dict d;
  d.Set(Value("status"), Value(r.status));
  List timing;
  for (const Timing& tm : r.timing) {
    Dict x;
    x.Set(Value("name"), Value(tm.name));
    x.Set(Value("started_at"), Value(IsoTime(tm.started)));
    x.Set(Value("completed_at"), Value(IsoTime(tm.completed)));
    timing.emplace_back(std::move(x));
  }
  d.Set(Value("timing"), Value(std::move(timing)));
  d.Set(Value("thread_id"), Value(r.thread_id.empty() ? "main" : r.thread_id));
  d.Set(Value("execution_time"), Value(r.execution_time));
  d.Set(Value("adapter_response"), r.adapter_response);
  d.Set(Value("message"), r.message);
  d.Set(Value("failures"), r.failures);
  d.Set(Value("unique_id"), Value(unique_id));
  d.Set(Value("compiled"), std::move(compiled));
  d.Set(Value("compiled_code"), std::move(compiled_code));
  d.Set(Value("relation_name"), std::move(relation_name));
  d.Set(Value("batch_results"), Value::MakeNone());
  return Value(std::move(d));
}

// target/run_results.json (schema v6).
bool WriteRunResults(const Project& project, const std::string& command, int threads,
                     bool warn_error, List results, double elapsed, Diagnostics& diagnostics) {
  Dict md = ArtifactMetadata(project, "https://schemas.getdbt.com/dbt/run-results/v6.json");
  // The invocation's flags (what `retry` repeats).
  Dict args;
  args.Set(Value("which"), Value(command));
  args.Set(Value("threads"), Value(static_cast<int64_t>(threads)));
  args.Set(Value("target"), Value(project.target.name));
  args.Set(Value("vars"), project.cli_vars.is_dict() ? project.cli_vars : Value(Dict()));
  args.Set(Value("full_refresh"), Value(project.invocation.full_refresh));
  args.Set(Value("empty"), Value(project.invocation.empty));
  args.Set(Value("warn_error"), Value(warn_error));
  Dict all;
  all.Set(Value("metadata"), Value(std::move(md)));
  all.Set(Value("results"), Value(std::move(results)));
  all.Set(Value("elapsed_time"), Value(elapsed));
  all.Set(Value("args"), Value(std::move(args)));
  JsonStyle style;
  style.compact = true;
  return WriteFileAtomic(TargetDir(project) + "/run_results.json",
                         ToJson(Value(std::move(all)), style), diagnostics, false);
}

// The resource types a command runs.
bool Runs(const std::string& command, const Node& n) {
  const std::string type(n.resource_type);
  if (type == "model")
    return !n.is_ephemeral() && (command == "run" || command == "build");
  if (type == "seed")
    return command == "seed" || command == "build";
  if (type == "test" || type == "unit_test")
    return command == "test" || command == "build";
  if (type == "snapshot")
    return command == "snapshot" || command == "build";
  return false;
}

std::string ConfigText(const Node& n, const char* key, const std::string& fallback) {
  const Value* v = n.config ? n.config->FindKey(key) : nullptr;
  return v != nullptr && !v->is_none() ? v->Str() : fallback;
}

// Prepares a unit test's node (its problems in `problems`, what its templates log in `log`);
// the unit test gets the compiled SQL.
bool PrepareUnit(Session& session, Node& unit_test, std::unique_ptr<PreparedUnitTest>* out,
                 Diagnostics& problems, std::string* log) {
  LogCapture capture(log);
  std::string what = "Compilation Error in unit_test " + unit_test.name + " (" +
                     unit_test.original_file_path + ")\n  ";
  try {
    *out = PrepareUnitTest(session, unit_test);
    unit_test.compiled_code = (*out)->node.compiled_code;
    unit_test.compiled = true;
    return true;
  } catch (const jinja::TemplateError& e) {
    problems.Error(Code::kDbtJinja, {unit_test.pos.path, e.pos.line, e.pos.column},
                   what + e.message);
  } catch (const CompilationError& e) {
    problems.Error(Code::kDbtCompilation, {unit_test.pos.path, 0, 0}, what + e.message);
  } catch (const jinja::MacroReturn&) {
    problems.Error(Code::kDbtCompilation, {unit_test.pos.path, 0, 0},
                   what + "return() called outside of a macro");
  }
  return false;
}

// The name of the model a unit test tests.
std::string TestedModelName(const Node& unit_test) {
  const Value* model = unit_test.data.as_dict().FindKey("model");
  return model != nullptr ? model->Str() : "";
}

// dbt's node description in progress lines: "sql table model main.orders", "seed file
// main.raw", "test not_null_orders_id".
std::string Describe(const Node& n) {
  std::string type(n.resource_type);
  if (type == "test")
    return "test " + n.name;
  if (type == "unit_test")
    return "unit_test " + TestedModelName(n) + "::" + n.name;
  const Value* schema = n.data.as_dict().FindKey("schema");
  const Value* alias = n.data.as_dict().FindKey("alias");
  std::string rel = (schema ? schema->Str() : "") + "." + (alias ? alias->Str() : n.name);
  if (type == "seed")
    return "seed file " + rel;
  if (type == "snapshot")
    return "snapshot " + rel;
  return "sql " + ConfigText(n, "materialized", "view") + " model " + rel;
}

Value Hooks(const Node& n, const char* key) {
  const Value* hooks = n.config ? n.config->FindKey(key) : nullptr;
  List out;
  if (hooks != nullptr && hooks->is_list()) {
    int64_t index = 0;
    for (const Value& h : hooks->as_list()) {
      Dict d;
      if (h.is_dict()) {
        for (const auto& [k, v] : h.as_dict().entries())
          d.Set(k, v);
      } else {
        d.Set(Value("sql"), h);
        d.Set(Value("transaction"), Value(true));
      }
      d.Set(Value("index"), Value(index++));
      out.emplace_back(std::move(d));
    }
  }
  return Value(std::move(out));
}

std::string Trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  return b == std::string::npos ? std::string()
                                : s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::string FirstError(const Diagnostics& d) {
  for (const auto& item : d.items()) {
    if (item.severity == Severity::kError)
      return item.message;
  }
  return {};
}

// dbt's message for a node that failed: a database error (raised as "Runtime Error\n  …") is a
// Runtime Error of the node, anything else a Compilation Error.
std::string ErrorMessage(const std::string& what, const std::string& message) {
  const std::string runtime = "Runtime Error\n";
  if (message.rfind(runtime, 0) == 0)
    return "Runtime Error in " + what + "\n" + message.substr(runtime.size());
  return "Compilation Error in " + what + "\n  " + message;
}

// Ctrl-C (SIGINT) or SIGTERM during a run: `on_signal` runs on a thread of its own (it may lock
// and interrupt). Both signals are blocked from construction on, in this thread and in every
// thread started after it (the workers, the engine's own), so none of them is killed by one.
class SignalWatch {
 public:
  explicit SignalWatch(std::function<void()> on_signal) : on_signal_(std::move(on_signal)) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
    thread_ = std::thread([this] {
      timespec tick{0, 100 * 1000 * 1000};
      while (!done_) {
        if (sigtimedwait(&set_, nullptr, &tick) > 0) {
          fired_ = true;
          on_signal_();
        }
      }
    });
  }
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;
  SignalWatch(SignalWatch&&) = delete;
  SignalWatch& operator=(SignalWatch&&) = delete;
  ~SignalWatch() {
    done_ = true;
    thread_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  bool fired() const { return fired_; }

 private:
  std::function<void()> on_signal_;
  sigset_t set_{};
  sigset_t previous_{};
  std::atomic<bool> done_{false};
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

class Runner {
 public:
  Runner(Project& project, Session& session, const RunOptions& options)
      : project_(project), session_(session), options_(options) {}

  int Run(const std::set<std::string>& selected, Diagnostics& diagnostics);

 private:
  struct Task {
    Node* node;
    std::vector<size_t> children;
    size_t waiting = 0;  // parents not yet done
    bool skip = false;   // a parent failed
    NodeResult result;
  };

  void BuildGraph(const std::set<std::string>& selected);
  bool RunHooks(const std::string& kind, const Dict& extras);
  Dict EndHookContext() const;
  bool CreateSchemas(Diagnostics& diagnostics);
  void Worker(int number);
  NodeResult Execute(Node& node, const std::string& thread_id);
  void Finish(size_t task);
  bool WriteResults(Clock::time_point started, Diagnostics& diagnostics);
  void Print(const std::string& text) {
    if (options_.out != nullptr) {
      *options_.out << text;
      options_.out->flush();
    }
  }
  // One line of dbt's log: as text ("<time>  <msg>"), or under --log-format json as dbt's
  // structured event {"info": {name, code, msg, level, ts, …}, "data": {…}}.
  void Event(const char* name, const char* code, const std::string& msg, Dict data = Dict(),
             const char* level = "info");
  void Blank() {
    if (!options_.json_log)
      Print("\n");
  }
  // dbt's node_info of an event: what dagster-dbt reads (status and times of the node).
  Value NodeInfo(const Node& n, const std::string& status, const std::string& started,
                 const std::string& finished) const;

  Project& project_;
  Session& session_;
  const RunOptions& options_;
  std::vector<Task> tasks_;
  std::vector<std::pair<Node*, NodeResult>> hook_results_;  // on-run-start, then on-run-end
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<size_t> ready_;
  size_t done_ = 0;
  size_t started_ = 0;
  std::atomic<bool> stop_{false};  // --fail-fast after a failure, or an interrupt
  std::string target_;
};

void Runner::BuildGraph(const std::set<std::string>& selected) {
  Manifest& m = project_.manifest;
  std::unordered_map<const Node*, size_t> index;
  for (const auto& n : m.nodes) {
    if (selected.count(n->unique_id) != 0 && Runs(options_.command, *n)) {
      index[n.get()] = tasks_.size();
      tasks_.push_back(Task{n.get(), {}, 0, false, {}});
    }
  }
  // A task's parents: its nearest running ancestors, through nodes that do not run (ephemeral
  // models, unselected nodes), as dbt keeps transitive edges in a selected subgraph.
  std::unordered_map<const Node*, std::vector<size_t>> through;
  std::map<size_t, std::vector<size_t>> unit_tests_of;  // a model's task -> its unit tests'
  std::function<const std::vector<size_t>&(const Node&)> ancestors =
      [&](const Node& n) -> const std::vector<size_t>& {
    auto [it, fresh] = through.try_emplace(&n);
    if (!fresh)
      return it->second;
    std::vector<size_t> out;
    for (const std::string& dep : n.depends_on) {
      auto d = m.by_id.find(dep);
      if (d == m.by_id.end())
        continue;
      auto running = index.find(d->second);
      if (running != index.end()) {
        out.push_back(running->second);
      } else {
        for (size_t a : ancestors(*d->second))
          out.push_back(a);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    std::vector<size_t>& slot = through[&n];
    slot = std::move(out);
    return slot;
  };
  std::vector<std::vector<size_t>> parents(tasks_.size());
  for (size_t i = 0; i < tasks_.size(); ++i) {
    const Node& n = *tasks_[i].node;
    if (n.resource_type == "unit_test") {
      // A unit test reads the relations its model reads (for their column types) and runs
      // before the model: a failing one skips the model and what descends from it.
      auto model = n.depends_on.empty() ? m.by_id.end() : m.by_id.find(n.depends_on[0]);
      if (model == m.by_id.end())
        continue;
      parents[i] = ancestors(*model->second);
      if (auto running = index.find(model->second); running != index.end())
        unit_tests_of[running->second].push_back(i);
    } else {
      parents[i] = ancestors(n);
    }
  }
  // build runs a model's unit tests one after the other just before the model, as part of its
  // job: one that fails skips the rest and the model.
  for (const auto& [model, tests] : unit_tests_of) {
    for (size_t k = 1; k < tests.size(); ++k)
      parents[tests[k]].push_back(tests[k - 1]);
    parents[model].push_back(tests.back());
  }
  // build: a test runs before the nodes downstream of everything it tests (dbt's rule: an
  // edge from the test to each node that descends from all the test's parents), so that a
  // failing test stops them.
  if (options_.command == "build") {
    std::unordered_map<std::string_view, std::set<std::string_view>> descendants;
    std::function<const std::set<std::string_view>&(std::string_view)> below =
        [&](std::string_view id) -> const std::set<std::string_view>& {
      auto [it, fresh] = descendants.try_emplace(id);
      if (!fresh)
        return it->second;
      std::set<std::string_view> out;
      auto children = m.child_map.find(id);
      if (children != m.child_map.end()) {
        for (std::string_view c : children->second) {
          out.insert(c);
          const auto& more = below(c);
          out.insert(more.begin(), more.end());
        }
      }
      std::set<std::string_view>& slot = descendants[id];
      slot = std::move(out);
      return slot;
    };
    for (size_t t = 0; t < tasks_.size(); ++t) {
      const Node& test = *tasks_[t].node;
      if (test.resource_type != "test" || test.depends_on.empty())
        continue;
      for (size_t c = 0; c < tasks_.size(); ++c) {
        const Node& n = *tasks_[c].node;
        if (n.resource_type == "test" || n.resource_type == "unit_test")
          continue;
        bool under_all = true;
        for (const std::string& p : test.depends_on) {
          if (below(p).count(n.unique_id) == 0) {
            under_all = false;
            break;
          }
        }
        if (under_all && std::find(parents[c].begin(), parents[c].end(), t) == parents[c].end())
          parents[c].push_back(t);
      }
    }
  }
  for (size_t i = 0; i < tasks_.size(); ++i) {
    tasks_[i].waiting = parents[i].size();
    for (size_t p : parents[i])
      tasks_[p].children.push_back(i);
    if (parents[i].empty())
      ready_.push_back(i);
  }
}

// dbt creates the schemas of the nodes it will build before it runs any.
bool Runner::CreateSchemas(Diagnostics& diagnostics) {
  std::set<std::string> seen;
  for (const Task& t : tasks_) {
    Node& n = *t.node;
    if (n.resource_type == "unit_test")
      continue;  // builds nothing
    if (n.resource_type == "test") {
      // the audit schema of a test that stores its failures
      const Value* store = n.config ? n.config->FindKey("store_failures") : nullptr;
      if (store == nullptr || !store->Truthy())
        continue;
    }
    const Value* db = n.data.as_dict().FindKey("database");
    const Value* schema = n.data.as_dict().FindKey("schema");
    std::string key = (db ? db->Str() : "") + "\x1f" + (schema ? schema->Str() : "");
    if (!seen.insert(key).second)
      continue;
    try {
      Value relation = RelationOf(session_, n);
      CallMacro(session_, n, "floe_create_run_schema", {relation}, Phase::kCompile);
    } catch (const jinja::TemplateError& e) {
      diagnostics.Error(Code::kDbtRuntime, {n.pos.path, 0, 0}, "Runtime Error\n  " + e.message);
      return false;
    } catch (const CompilationError& e) {
      diagnostics.Error(Code::kDbtRuntime, {n.pos.path, 0, 0}, "Runtime Error\n  " + e.message);
      return false;
    }
  }
  std::string error;
  if (session_.engine != nullptr && !session_.engine->Commit(&error)) {
    diagnostics.Error(Code::kDbtRuntime, {project_.root().dir, 0, 0}, "Runtime Error\n  " + error);
    return false;
  }
  return true;
}

NodeResult Runner::Execute(Node& node, const std::string& thread_id) {
  NodeResult r;
  r.thread_id = thread_id;
  auto start = Clock::now();
  Timing compile{"compile", start, start};
  std::string log;
  Diagnostics problems;
  // A unit test runs as a node of its own: the model's code over its fixtures.
  std::unique_ptr<PreparedUnitTest> unit;
  bool compiled =
      node.resource_type == "seed" ||
      (node.resource_type == "unit_test" ? PrepareUnit(session_, node, &unit, problems, &log)
                                         : CompileNode(session_, node, problems, &log));
  if (node.resource_type == "seed")
    node.compiled = true;
  Node& built = unit != nullptr ? unit->node : node;
  compile.completed = Clock::now();
  r.timing.push_back(compile);
  if (!log.empty()) {
    if (options_.json_log) {
      Dict d;
      d.Set(Value("node_info"), NodeInfo(node, "started", "", ""));
      Event("JinjaLogInfo", "I062", Trimmed(log), std::move(d));
    } else {
      Print(log);
    }
  }
  auto fail = [&](const std::string& message) {
    r.status = "error";
    r.message = Value(message);
    r.blocks_children = true;
  };
  if (!compiled) {
    fail(FirstError(problems));
  } else {
    if (!node.compiled_code.empty() && node.resource_type != "seed")
      WriteFileAtomic(target_ + "/" + built.compiled_sql_path(), node.compiled_code, problems,
                      false);
    Timing execute{"execute", Clock::now(), {}};
    Dict extras;
    extras.Set(Value("sql"), Value(node.compiled_code));
    extras.Set(Value("compiled_code"), Value(node.compiled_code));
    extras.Set(Value("pre_hooks"), Hooks(node, "pre-hook"));
    extras.Set(Value("post_hooks"), Hooks(node, "post-hook"));
    std::string what =
        std::string(node.resource_type) + " " + node.name + " (" + node.original_file_path + ")";
    try {
      if (stop_)
        throw CompilationError{"interrupted before it ran"};
      MaterializationResult m = RunMaterialization(session_, built, extras);
      const Value* main = m.results.FindKey("main");
      Value response = main != nullptr && main->is_dict() && main->as_dict().FindKey("response")
                           ? *main->as_dict().FindKey("response")
                           : Value(Dict());
      if (node.resource_type == "unit_test") {
        const Value* table =
            main != nullptr && main->is_dict() ? main->as_dict().FindKey("table") : nullptr;
        std::string difference = UnitTestDifference(table != nullptr ? *table : Value());
        r.status = difference.empty() ? "pass" : "fail";
        r.failures = Value(int64_t{difference.empty() ? 0 : 1});
        r.message = difference.empty() ? Value::MakeNone() : Value(difference);
        r.blocks_children = !difference.empty();
        r.adapter_response = response;
      } else if (node.resource_type == "test") {
        // The test's one row: failures, should_warn, should_error.
        const Value* data =
            main != nullptr && main->is_dict() ? main->as_dict().FindKey("data") : nullptr;
        if (data == nullptr || !data->is_list() || data->as_list().empty())
          throw CompilationError{"the test returned no result row"};
        const List& row = data->as_list()[0].as_list();
        // (an integer; a sum or a NUMERIC count comes as a float)
        int64_t failures = row.empty()         ? 0
                           : row[0].is_int()   ? row[0].as_int()
                           : row[0].is_float() ? static_cast<int64_t>(row[0].as_double())
                                               : 0;
        bool should_warn = row.size() > 1 && row[1].Truthy();
        bool should_error = row.size() > 2 && row[2].Truthy();
        std::string severity = ConfigText(node, "severity", "ERROR");
        std::transform(severity.begin(), severity.end(), severity.begin(), ::toupper);
        r.failures = Value(failures);
        auto got = "Got " + std::to_string(failures) + " result" + (failures == 1 ? "" : "s") +
                   ", configured to ";
        if ((severity == "ERROR" && should_error) || (options_.warn_error && should_warn)) {
          r.status = "fail";
          r.message = Value(got + "fail if " + ConfigText(node, "error_if", "!= 0"));
          r.blocks_children = true;
        } else if (should_warn) {
          r.status = "warn";
          r.message = Value(got + "warn if " + ConfigText(node, "warn_if", "!= 0"));
        } else {
          r.status = "pass";
        }
        r.adapter_response = response;
      } else {
        r.status = "success";
        r.adapter_response = response;
        const Value* message =
            response.is_dict() ? response.as_dict().FindKey("_message") : nullptr;
        r.message = message != nullptr ? *message : Value("OK");
      }
    } catch (const jinja::TemplateError& e) {
      fail(ErrorMessage(what, e.message));
    } catch (const CompilationError& e) {
      fail(ErrorMessage(what, e.message));
    } catch (const jinja::MacroReturn&) {
      fail("Compilation Error in " + what + "\n  return() called outside of a macro");
    } catch (const std::exception& e) {
      fail("Runtime Error in " + what + "\n  " + e.what());
    }
    // What the materialization did after its commit (dropping the backup) is kept; a failed
    // node's transaction is rolled back, leaving the previous version of its relation.
    if (session_.engine != nullptr) {
      std::string error;
      if (r.status == "error")
        session_.engine->Rollback();
      else if (!session_.engine->Commit(&error))
        fail("Runtime Error in " + what + "\n  " + error);
    }
    execute.completed = Clock::now();
    r.timing.push_back(execute);
  }
  r.execution_time = Seconds(start, Clock::now());
  return r;
}

// on-run-start / on-run-end: the operation nodes of that kind, the packages' before the root
// project's, each rendered (with `extras`) and run outside any node's transaction. After a
// failing hook the others are skipped. False when one failed.
bool Runner::RunHooks(const std::string& kind, const Dict& extras) {
  std::vector<Node*> hooks;
  for (const auto& n : project_.manifest.nodes) {
    const Value* k = n->data.as_dict().FindKey("_hook_kind");
    if (n->resource_type == "operation" && k != nullptr && k->Str() == kind)
      hooks.push_back(n.get());
  }
  std::stable_sort(hooks.begin(), hooks.end(), [&](const Node* a, const Node* b) {
    bool ra = a->package == project_.root().name;
    bool rb = b->package == project_.root().name;
    return ra != rb ? rb : false;
  });
  if (hooks.empty())
    return true;
  Event("HooksRunning", "Q030",
        "Running " + std::to_string(hooks.size()) + " " + kind + " hook" +
            (hooks.size() == 1 ? "" : "s"));
  bool failed = false;
  for (size_t i = 0; i < hooks.size(); ++i) {
    Node& n = *hooks[i];
    const Value* index = n.data.as_dict().FindKey("index");
    std::string name = n.package + "." + kind + "." + (index ? index->Str() : "0");
    NodeResult r;
    r.thread_id = "main";
    r.failures = Value(int64_t{1});
    if (failed) {
      r.status = "skipped";
      r.message = Value(name + " skipped");
      hook_results_.emplace_back(&n, std::move(r));
      continue;
    }
    Event("LogHookStartLine", "Q032",
          ProgressLine(i + 1, hooks.size(), "START hook: " + name, "RUN"));
    auto start = Clock::now();
    std::string error;
    std::string sql;
    bool ok = true;
    try {
      sql = RenderInNode(session_, n, Phase::kCompile, n.raw_code, n.pos.path, &extras);
    } catch (const jinja::TemplateError& e) {
      ok = false;
      error = e.message;
    } catch (const CompilationError& e) {
      ok = false;
      error = e.message;
    }
    r.timing.push_back({"compile", start, Clock::now()});
    n.compiled = ok;
    n.compiled_code = sql;
    auto execute = Clock::now();
    if (ok && session_.engine != nullptr && !Trimmed(sql).empty()) {
      ok = session_.engine->Execute(sql, nullptr, &error) && session_.engine->Commit(&error);
      if (!ok)
        session_.engine->Rollback();
    }
    r.timing.push_back({"execute", execute, Clock::now()});
    r.execution_time = Seconds(start, Clock::now());
    r.status = ok ? "success" : "error";
    r.failures = Value(int64_t{ok ? 0 : 1});
    r.message = Value(ok ? name + " passed" : name + " failed, error:\n " + error);
    Event("LogHookEndLine", "Q033",
          ProgressLine(
              i + 1, hooks.size(), (ok ? "OK hook: " : "ERROR hook: ") + name,
              (ok ? "OK" : "ERROR") + std::string(" in ") + Fixed(r.execution_time, 2) + "s"),
          Dict(), ok ? "info" : "error");
    failed = failed || !ok;
    hook_results_.emplace_back(&n, std::move(r));
  }
  Blank();
  return !failed;
}

// What on-run-end hooks see: `results` (each node's result, with its node), and the schemas
// (and database, schema pairs) of the relations that were built.
Dict Runner::EndHookContext() const {
  List results;
  std::set<std::pair<std::string, std::string>> built;
  for (const Task& t : tasks_) {
    const NodeResult& r = t.result;
    Dict d;
    d.Set(Value("status"), Value(r.status));
    d.Set(Value("node"), t.node->data);
    d.Set(Value("message"), r.message);
    d.Set(Value("failures"), r.failures);
    d.Set(Value("execution_time"), Value(r.execution_time));
    d.Set(Value("adapter_response"), r.adapter_response);
    d.Set(Value("thread_id"), Value(r.thread_id));
    results.emplace_back(std::move(d));
    if (t.node->resource_type != "test" && r.status == "success") {
      const Value* db = t.node->data.as_dict().FindKey("database");
      const Value* schema = t.node->data.as_dict().FindKey("schema");
      built.emplace(db ? db->Str() : "", schema ? schema->Str() : "");
    }
  }
  List schemas;
  List database_schemas;
  std::set<std::string> seen;
  for (const auto& [db, schema] : built) {
    if (seen.insert(schema).second)
      schemas.emplace_back(schema);
    database_schemas.emplace_back(List{Value(db), Value(schema)}, true);
  }
  Dict extras;
  extras.Set(Value("results"), Value(std::move(results)));
  extras.Set(Value("schemas"), Value(std::move(schemas)));
  extras.Set(Value("database_schemas"), Value(std::move(database_schemas)));
  return extras;
}

void Runner::Event(const char* name, const char* code, const std::string& msg, Dict data,
                   const char* level) {
  Print(LogLine(project_, options_.json_log, name, code, msg, std::move(data), level));
}

Value Runner::NodeInfo(const Node& n, const std::string& status, const std::string& started,
                       const std::string& finished) const {
  auto get = [&](const char* key) {
    const Value* v = n.data.as_dict().FindKey(key);
    return v != nullptr && !v->is_none() ? *v : Value("");
  };
  Dict info;
  info.Set(Value("node_path"), get("path"));
  info.Set(Value("node_name"), Value(n.name));
  info.Set(Value("unique_id"), Value(n.unique_id));
  info.Set(Value("resource_type"), Value(std::string(n.resource_type)));
  info.Set(Value("materialized"), Value(ConfigText(n, "materialized", "")));
  info.Set(Value("node_status"), Value(status));
  info.Set(Value("node_started_at"), Value(started));
  info.Set(Value("node_finished_at"), Value(finished));
  const Value* meta = n.config ? n.config->FindKey("meta") : nullptr;
  info.Set(Value("meta"), meta != nullptr ? *meta : Value(Dict()));
  Dict relation;
  relation.Set(Value("database"), get("database"));
  relation.Set(Value("schema"), get("schema"));
  relation.Set(Value("alias"), get("alias"));
  relation.Set(Value("relation_name"), get("relation_name"));
  info.Set(Value("node_relation"), Value(std::move(relation)));
  return Value(std::move(info));
}

void Runner::Worker(int number) {
  std::string thread_id = "Thread-" + std::to_string(number) + " (worker)";
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return !ready_.empty() || done_ == tasks_.size(); });
    if (ready_.empty())
      return;
    size_t i = ready_.front();
    ready_.pop_front();
    Task& t = tasks_[i];
    size_t index = ++started_;
    std::string text = Describe(*t.node);
    Node& node = *t.node;
    auto with_info = [&](const std::string& status, const std::string& started,
                         const std::string& finished) {
      Dict d;
      d.Set(Value("node_info"), NodeInfo(node, status, started, finished));
      d.Set(Value("index"), Value(static_cast<int64_t>(index)));
      d.Set(Value("total"), Value(static_cast<int64_t>(tasks_.size())));
      d.Set(Value("description"), Value(text));
      return d;
    };
    if (t.skip || stop_) {
      t.result.status = "skipped";
      t.result.thread_id = thread_id;
      t.result.blocks_children = true;
      bool is_test = node.resource_type == "test" || node.resource_type == "unit_test";
      Event("LogSkipResult", "Z033",
            ProgressLine(
                index, tasks_.size(),
                is_test ? "SKIP " + text : "SKIP relation " + text.substr(text.rfind(' ') + 1),
                "SKIP"),
            with_info("skipped", "", ""));
      Finish(i);
      continue;
    }
    std::string started = IsoTime(Clock::now());
    Event("LogStartLine", "Q011", ProgressLine(index, tasks_.size(), "START " + text, "RUN"),
          with_info("started", started, ""));
    if (options_.json_log)
      Event("NodeStart", "Q024", "Began running node " + node.unique_id,
            with_info("started", started, ""), "debug");
    lock.unlock();
    NodeResult r = Execute(node, thread_id);
    lock.lock();
    std::string finished = IsoTime(Clock::now());
    std::string took = " in " + Fixed(r.execution_time, 2) + "s";
    // a test's result line names it without its kind ("PASS not_null_orders_id")
    std::string result_text = text.substr(text.find(' ') + 1);
    std::string status;
    std::string line;
    if (r.status == "success") {
      line = (node.resource_type == "seed" ? "OK loaded " : "OK created ") + text;
      status = r.message.Str() + took;
    } else if (r.status == "pass") {
      line = "PASS " + result_text;
      status = "PASS" + took;
    } else if (r.status == "warn") {
      line = "WARN " + std::to_string(r.failures.as_int()) + " " + result_text;
      status = "WARN " + std::to_string(r.failures.as_int()) + took;
    } else if (r.status == "fail") {
      line = "FAIL " + std::to_string(r.failures.as_int()) + " " + result_text;
      status = "FAIL " + std::to_string(r.failures.as_int()) + took;
    } else {
      line = node.resource_type == "test" || node.resource_type == "unit_test"
                 ? "ERROR " + result_text
             : node.resource_type == "seed" ? "ERROR loading " + text
                                            : "ERROR creating " + text;
      status = "ERROR" + took;
    }
    Dict data = with_info(r.status, started, finished);
    data.Set(Value("status"), Value(r.status));
    data.Set(Value("execution_time"), Value(r.execution_time));
    bool is_test = node.resource_type == "test" || node.resource_type == "unit_test";
    const char* name = is_test                            ? "LogTestResult"
                       : node.resource_type == "seed"     ? "LogSeedResult"
                       : node.resource_type == "snapshot" ? "LogSnapshotResult"
                                                          : "LogModelResult";
    const char* code = is_test                            ? "Q007"
                       : node.resource_type == "seed"     ? "Q016"
                       : node.resource_type == "snapshot" ? "Q015"
                                                          : "Q012";
    if (is_test) {
      data.Set(Value("name"), Value(node.name));
      data.Set(Value("num_failures"), r.failures.is_none() ? Value(int64_t{0}) : r.failures);
    }
    Event(name, code, ProgressLine(index, tasks_.size(), line, status), data,
          r.status == "error" || r.status == "fail" ? "error" : "info");
    if (options_.json_log) {
      Dict finished_data = with_info(r.status, started, finished);
      Dict run_result;
      run_result.Set(Value("status"), Value(r.status));
      run_result.Set(Value("message"), r.message);
      run_result.Set(Value("failures"), r.failures);
      run_result.Set(Value("execution_time"), Value(r.execution_time));
      run_result.Set(Value("adapter_response"), r.adapter_response);
      finished_data.Set(Value("run_result"), Value(std::move(run_result)));
      Event("NodeFinished", "Q025", "Finished running node " + node.unique_id,
            std::move(finished_data), "debug");
    }
    t.result = std::move(r);
    if (t.result.blocks_children && options_.fail_fast)
      stop_ = true;
    Finish(i);
  }
}

// Marks a task done (the lock held): its children get one parent fewer, and are skipped when it
// failed.
void Runner::Finish(size_t i) {
  Task& t = tasks_[i];
  ++done_;
  for (size_t c : t.children) {
    if (t.result.blocks_children)
      tasks_[c].skip = true;
    if (--tasks_[c].waiting == 0) {
      auto pos = std::lower_bound(ready_.begin(), ready_.end(), c);
      ready_.insert(pos, c);
    }
  }
  cv_.notify_all();
}

bool Runner::WriteResults(Clock::time_point started, Diagnostics& diagnostics) {
  std::vector<std::pair<const Node*, const NodeResult*>> all;
  for (const auto& [n, r] : hook_results_)
    all.emplace_back(n, &r);
  for (const Task& t : tasks_)
    all.emplace_back(t.node, &t.result);
  List results;
  for (const auto& [node, result] : all) {
    const Node& n = *node;
    const Value* relation = n.data.as_dict().FindKey("relation_name");
    results.push_back(ResultEntry(
        n.unique_id, *result, n.resource_type == "seed" ? Value::MakeNone() : Value(n.compiled),
        n.compiled && n.resource_type != "seed" ? Value(n.compiled_code) : Value::MakeNone(),
        relation ? *relation : Value::MakeNone()));
  }
  return WriteRunResults(project_, options_.command, options_.threads, options_.warn_error,
                         std::move(results), Seconds(started, Clock::now()), diagnostics);
}

int Runner::Run(const std::set<std::string>& selected, Diagnostics& diagnostics) {
  target_ = TargetDir(project_);
  // An interrupt stops what runs (its transaction rolls back: the relation keeps its previous
  // version) and starts nothing more.
  SignalWatch interrupts([this] {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    if (session_.engine != nullptr)
      session_.engine->InterruptAll();
  });
  auto started = Clock::now();
  BuildGraph(selected);
  if (tasks_.empty()) {
    Event("NothingToDo", "Z048",  // dbt's event for a selection with no node to run
          "Nothing to do. Try checking your model configs and model specification args");
    return WriteResults(started, diagnostics) ? 0 : 2;
  }
  Event("ConcurrencyLine", "Q026",
        "Concurrency: " + std::to_string(options_.threads) + " threads (target='" +
            project_.target.name + "')");
  Blank();
  if (!CreateSchemas(diagnostics))
    return 2;
  if (!RunHooks("on-run-start", Dict()))
    stop_ = true;  // every node is skipped
  std::vector<std::thread> workers;
  int threads = std::max(1, options_.threads);
  for (int i = 0; i < threads; ++i)
    workers.emplace_back([this, i] { Worker(i + 1); });
  for (auto& w : workers)
    w.join();
  bool end_hooks_ok = interrupts.fired() || RunHooks("on-run-end", EndHookContext());
  double elapsed = Seconds(started, Clock::now());
  // dbt's summary: what ran by kind, then the counts.
  std::map<std::string, int> kinds;
  size_t pass = 0, warn = 0, error = 0, skip = 0;
  for (const Task& t : tasks_) {
    const Node& n = *t.node;
    std::string kind = n.resource_type == "model" ? ConfigText(n, "materialized", "view") + " model"
                       : n.resource_type == "test"      ? std::string("data test")
                       : n.resource_type == "unit_test" ? std::string("unit test")
                                                        : std::string(n.resource_type);
    ++kinds[kind];
    const std::string& s = t.result.status;
    if (s == "success" || s == "pass")
      ++pass;
    else if (s == "warn")
      ++warn;
    else if (s == "skipped")
      ++skip;
    else
      ++error;
  }
  std::string ran;
  for (const auto& [kind, count] : kinds)
    ran += (ran.empty() ? "" : ", ") + std::to_string(count) + " " + kind + (count == 1 ? "" : "s");
  Blank();
  Event("FinishedRunningStats", "Q008",
        "Finished running " + ran + " in " + Fixed(elapsed, 2) + " seconds.");
  Blank();
  if (error == 0)
    Event("EndOfRunSummary", "Z030", "Completed successfully");
  else
    Event("EndOfRunSummary", "Z030",
          "Completed with " + std::to_string(error) + " error" + (error == 1 ? "" : "s") +
              ", 0 partial successes, and " + std::to_string(warn) + " warning" +
              (warn == 1 ? "" : "s") + ":");
  for (const Task& t : tasks_) {
    if (t.result.status == "error" || t.result.status == "fail") {
      Blank();
      Dict d;
      d.Set(Value("node_info"), NodeInfo(*t.node, t.result.status, "", ""));
      const Node& n = *t.node;
      std::string message = t.result.message.Str();
      if (t.result.status == "fail") {
        message = "Failure in " + std::string(n.resource_type) + " " + n.name + " (" +
                  n.original_file_path + ")\n  " + message;
      }
      Event("RunResultError", "Z024", message, std::move(d), "error");
    }
  }
  Blank();
  Event("StatsLine", "Z023",
        "Done. PASS=" + std::to_string(pass) + " WARN=" + std::to_string(warn) +
            " ERROR=" + std::to_string(error) + " SKIP=" + std::to_string(skip) +
            " NO-OP=0 TOTAL=" + std::to_string(tasks_.size()));
  if (!WriteResults(started, diagnostics))
    return 2;
  if (interrupts.fired()) {
    Blank();
    Event("CancelLine", "Z025",
          "Interrupted: the running nodes were stopped and rolled back; the nodes that had not "
          "started were skipped",
          Dict(), "error");
    return 130;  // as a shell reports a process ended by SIGINT
  }
  bool hooks_ok = end_hooks_ok;
  for (const auto& [n, r] : hook_results_)
    hooks_ok = hooks_ok && r.status != "error";
  return error == 0 && hooks_ok ? 0 : 1;
}

}  // namespace

std::string IsoTime(Clock::time_point t) {
  std::time_t secs = Clock::to_time_t(t);
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  char buf[48];
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long>(micros));
  return buf;
}

std::string ProgressLine(size_t index, size_t total, const std::string& text,
                         const std::string& status) {
  std::string line = std::to_string(index) + " of " + std::to_string(total) + " " + text + " ";
  constexpr size_t kWidth = 70;
  if (line.size() < kWidth)
    line += std::string(kWidth - line.size(), '.');
  return line + " [" + status + "]";
}

Dict ArtifactMetadata(const Project& project, const std::string& schema_url) {
  Dict md;
  md.Set(Value("dbt_schema_version"), Value(schema_url));
  md.Set(Value("dbt_version"), Value("1.11.16"));
  md.Set(Value("generated_at"), Value(IsoTime(Clock::now())));
  md.Set(Value("invocation_id"), Value(project.invocation_id));
  md.Set(Value("invocation_started_at"), Value(project.run_started_at));
  md.Set(Value("env"), Value(Dict()));
  return md;
}

std::string LogLine(const Project& project, bool json, const char* name, const char* code,
                    const std::string& msg, Dict data, const char* level) {
  if (!json)
    return ClockTime() + "  " + msg + "\n";
  Dict info;
  info.Set(Value("name"), Value(name));
  info.Set(Value("code"), Value(code));
  info.Set(Value("msg"), Value(msg));
  info.Set(Value("level"), Value(level));
  info.Set(Value("invocation_id"), Value(project.invocation_id));
  info.Set(Value("pid"), Value(static_cast<int64_t>(getpid())));
  info.Set(Value("thread"), Value("MainThread"));
  info.Set(Value("ts"), Value(IsoTime(Clock::now())));
  info.Set(Value("category"), Value(""));
  info.Set(Value("extra"), Value(Dict()));
  Dict all;
  all.Set(Value("info"), Value(std::move(info)));
  all.Set(Value("data"), Value(std::move(data)));
  JsonStyle style;
  style.compact = true;
  return ToJson(Value(std::move(all)), style) + "\n";
}

bool WriteOperationResults(const Project& project, const std::string& macro_unique_id, bool ok,
                           const std::string& message, double compile_seconds,
                           double execute_seconds, Diagnostics& diagnostics) {
  NodeResult r;
  auto end = Clock::now();
  auto execute_start = end - std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(execute_seconds));
  auto compile_start = execute_start - std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(compile_seconds));
  r.status = ok ? "success" : "error";
  r.timing = {{"compile", compile_start, execute_start}, {"execute", execute_start, end}};
  r.thread_id = "MainThread";
  r.execution_time = compile_seconds + execute_seconds;
  r.message = ok ? Value::MakeNone() : Value(message);
  r.failures = Value(int64_t{ok ? 0 : 1});
  List results;
  results.push_back(
      ResultEntry(macro_unique_id, r, Value(false), Value::MakeNone(), Value::MakeNone()));
  return WriteRunResults(project, "run-operation", 1, false, std::move(results), r.execution_time,
                         diagnostics);
}

bool WriteCompileResults(const Project& project, const std::string& command,
                         const std::vector<const Node*>& nodes, Diagnostics& diagnostics) {
  List results;
  for (const Node* n : nodes) {
    // what dbt's compile task ran: the compiled nodes but ephemeral ones, and the seeds
    bool seed = n->resource_type == "seed";
    if (n->is_ephemeral() || (!n->compiled && !seed))
      continue;
    NodeResult r;
    r.status = "success";
    r.thread_id = "Thread-1 (worker)";
    const Value* relation = n->data.as_dict().FindKey("relation_name");
    results.push_back(ResultEntry(n->unique_id, r, seed ? Value::MakeNone() : Value(true),
                                  seed ? Value::MakeNone() : Value(n->compiled_code),
                                  relation ? *relation : Value::MakeNone()));
  }
  return WriteRunResults(project, command, 1, false, std::move(results), 0, diagnostics);
}

int RunNodes(Project& project, Session& session, const std::set<std::string>& selected,
             const RunOptions& options, Diagnostics& diagnostics) {
  Runner runner(project, session, options);
  return runner.Run(selected, diagnostics);
}

}  // namespace floe::dbt
