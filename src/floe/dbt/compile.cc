#include "floe/dbt/compile.h"

#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "floe/base/fs.h"
#include "floe/base/hash.h"
#include "floe/base/parallel.h"
#include "floe/dbt/json.h"
#include "floe/dbt/parse.h"
#include "floe/dbt/resources.h"
#include "floe/jinja/parser.h"

namespace floe::dbt {
namespace fs = std::filesystem;

namespace {

bool IsWordChar(char c) {
  return isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Skips whitespace and SQL comments from `i`.
size_t SkipTrivia(const std::string& s, size_t i, bool comments) {
  for (;;) {
    while (i < s.size() && isspace(static_cast<unsigned char>(s[i])))
      ++i;
    if (!comments)
      return i;
    if (s.compare(i, 2, "--") == 0) {
      size_t e = s.find('\n', i);
      i = e == std::string::npos ? s.size() : e + 1;
    } else if (s.compare(i, 2, "/*") == 0) {
      size_t e = s.find("*/", i + 2);
      i = e == std::string::npos ? s.size() : e + 2;
    } else {
      return i;
    }
  }
}

bool KeywordAt(const std::string& s, size_t i, const char* word) {
  size_t n = strlen(word);
  if (i + n > s.size())
    return false;
  for (size_t k = 0; k < n; ++k) {
    if (tolower(static_cast<unsigned char>(s[i + k])) != word[k])
      return false;
  }
  return i + n == s.size() || !IsWordChar(s[i + n]);
}

}  // namespace

std::string InjectCtes(const std::string& sql, const std::vector<std::string>& ctes) {
  if (ctes.empty())
    return sql;
  std::string joined;
  for (size_t i = 0; i < ctes.size(); ++i)
    joined += (i ? ", " : "") + ctes[i];
  size_t start = SkipTrivia(sql, 0, true);
  if (KeywordAt(sql, start, "with")) {
    // After WITH (and RECURSIVE) and the whitespace that follows: dbt inserts the CTEs there
    // and ", " before the query's own first CTE, so `WITH x as` becomes `WITH  __dbt__cte__e
    // as (…), x as` (two spaces: the original one and the CTE's own).
    size_t after = SkipTrivia(sql, start + 4, false);
    if (KeywordAt(sql, after, "recursive"))
      after = SkipTrivia(sql, after + 9, false);
    return sql.substr(0, after) + joined + ", " + sql.substr(after);
  }
  size_t first = SkipTrivia(sql, 0, false);
  return sql.substr(0, first) + "with" + joined + " " + sql.substr(first);
}

std::string TargetDir(const Project& project) {
  std::string t = project.invocation.target_path.empty() ? project.root().target_path
                                                         : project.invocation.target_path;
  fs::path p(t);
  if (p.is_relative())
    p = fs::path(project.root().dir) / p;
  return p.lexically_normal().string();
}

namespace {

// A node's rendering, done ahead on a worker: its SQL (before CTE injection), the problems it
// had and the lines it logged.
struct Rendered {
  bool done = false;
  bool ok = false;
  bool completed = false;  // no CTEs to inject: Complete() has run
  std::string sql;
  std::string log;
  Diagnostics diagnostics;
};

// Records a node's compiled SQL: `sql` with the CTEs of `prepended` ({id, sql} dicts) injected.
void Complete(Node& n, std::string sql, List prepended) {
  if (prepended.empty()) {
    n.compiled_code = std::move(sql);
  } else {
    std::vector<std::string> cte_sql;
    for (const Value& c : prepended)
      cte_sql.push_back(c.as_dict().FindKey("sql")->Str());
    n.compiled_code = InjectCtes(sql, cte_sql);
    n.data.as_dict().Set(Value("_pre_injected_sql"), Value(std::move(sql)));
  }
  n.extra_ctes = Value(std::move(prepended));
  n.compiled = true;
}

// Renders a node; one that uses no ephemeral model is completed here too (on the worker).
Rendered Render(Session& session, Node& n) {
  Rendered r;
  r.done = true;
  LogCapture capture(&r.log);
  try {
    r.sql = RenderNode(session, n, Phase::kCompile);
    r.ok = true;
    if (n.tpl.use_count() == 1)
      n.tpl.reset();  // the node's own template is not rendered again: its memory goes
    if (!n.extra_ctes.is_list() || n.extra_ctes.as_list().empty()) {
      Complete(n, std::move(r.sql), {});
      r.completed = true;
    }
  } catch (const jinja::TemplateError& e) {
    r.diagnostics.Error(Code::kDbtJinja, {n.pos.path, e.pos.line, e.pos.column},
                        "Compilation Error in " + n.resource_type + " " + n.name + " (" +
                            n.original_file_path + ")\n  " + e.message,
                        UndefinedHint(session.project->manifest, e.message));
  } catch (const CompilationError& e) {
    r.diagnostics.Error(Code::kDbtCompilation, {n.pos.path, 0, 0},
                        "Compilation Error in " + n.resource_type + " " + n.name + " (" +
                            n.original_file_path + ")\n  " + e.message);
  } catch (const jinja::MacroReturn&) {
    r.ok = true;
  } catch (const std::exception& e) {  // a worker thread must not throw
    r.diagnostics.Error(
        Code::kInternal, {n.pos.path, 0, 0},
        std::string("internal error while compiling ") + n.unique_id + ": " + e.what());
  }
  return r;
}

// Completes `n` with `sql` and the CTEs of the ephemeral models it uses: each dependency
// compiled first (by `compile_dep`), its own CTEs before it, deduplicated.
void InjectEphemerals(Manifest& m, Node& n, std::string sql,
                      const std::function<bool(Node&)>& compile_dep) {
  List prepended;  // {id, sql}
  std::vector<std::string> ids;
  auto add = [&](const std::string& id, const std::string& cte_sql) {
    for (const std::string& seen : ids) {
      if (seen == id)
        return;
    }
    ids.push_back(id);
    Dict d;
    d.Set(Value("id"), Value(id));
    d.Set(Value("sql"), Value(cte_sql));
    prepended.emplace_back(std::move(d));
  };
  List direct;
  if (n.extra_ctes.is_list())
    direct.swap(n.extra_ctes.as_list());
  for (const Value& id_v : direct) {
    std::string id = id_v.Str();
    auto it = m.by_id.find(id);
    if (it == m.by_id.end())
      continue;
    Node& dep = *it->second;
    if (!compile_dep(dep))
      continue;
    if (dep.extra_ctes.is_list()) {
      for (const Value& c : dep.extra_ctes.as_list()) {
        if (c.is_dict())
          add(c.as_dict().FindKey("id")->Str(), c.as_dict().FindKey("sql")->Str());
      }
    }
    const Value* pre = dep.data.as_dict().FindKey("_pre_injected_sql");
    std::string body = pre ? pre->Str() : dep.compiled_code;
    add(id, " __dbt__cte__" + dep.name + " as (\n" + body + "\n)");
  }
  Complete(n, std::move(sql), std::move(prepended));
}

}  // namespace

bool CompileNode(Session& session, Node& node, Diagnostics& diagnostics, std::string* log) {
  // Ephemeral models are compiled once, for the first node that uses them, under this lock.
  static std::recursive_mutex ephemerals;
  std::function<bool(Node&)> compile = [&](Node& n) -> bool {
    bool ephemeral = n.is_ephemeral();
    std::unique_lock<std::recursive_mutex> lock(ephemerals, std::defer_lock);
    if (ephemeral) {
      lock.lock();
      if (n.compiled)
        return true;
    }
    Rendered r = Render(session, n);
    if (log != nullptr)
      *log += r.log;
    diagnostics.Append(r.diagnostics);
    if (!r.ok || r.completed)
      return r.ok;
    std::lock_guard<std::recursive_mutex> inject(ephemerals);
    InjectEphemerals(session.project->manifest, n, std::move(r.sql), compile);
    return true;
  };
  return compile(node);
}

bool CompileNodes(Project& project, Session& session, const std::set<std::string>* selected,
                  BackgroundWriter& files, Diagnostics& diagnostics) {
  Manifest& m = project.manifest;
  std::string target = TargetDir(project);
  std::vector<Node*> order;  // the selected nodes that compile, in manifest order
  for (const auto& n : m.nodes) {
    if (ManifestSection(n->resource_type) != "nodes" || n->resource_type == "seed")
      continue;
    if (selected != nullptr && selected->count(n->unique_id) == 0)
      continue;
    order.push_back(n.get());
  }
  // Rendering reads the shared session and writes only its own node: every core renders; the
  // order-dependent work (CTEs, messages, files) comes after.
  std::vector<Rendered> ahead(order.size());
  ParallelFor(order.size(), [&](size_t i) { ahead[i] = Render(session, *order[i]); });
  std::unordered_map<const Node*, Rendered*> rendered;
  rendered.reserve(order.size());
  for (size_t i = 0; i < order.size(); ++i)
    rendered[order[i]] = &ahead[i];

  // In order, as dbt: a node's problems and log lines, then its ephemeral dependencies
  // (rendered now if no worker did), their CTEs injected.
  std::unordered_map<const Node*, int> done;  // 0 new, 1 compiling, 2 done
  done.reserve(order.size());
  std::function<bool(Node&)> compile = [&](Node& n) -> bool {
    int& state = done[&n];
    if (state == 2)
      return true;
    if (state == 1)
      return false;
    state = 1;
    Rendered own;
    auto it = rendered.find(&n);
    Rendered& r = it != rendered.end() ? *it->second : own;
    if (!r.done)
      r = Render(session, n);
    if (!r.log.empty())
      std::cerr << r.log;
    diagnostics.Append(r.diagnostics);
    if (!r.ok || r.completed) {
      state = 2;
      return r.ok;
    }
    InjectEphemerals(m, n, std::move(r.sql), compile);
    state = 2;
    return true;
  };
  bool ok = true;
  std::vector<const Node*> written;
  for (Node* n : order) {
    if (!compile(*n))
      ok = false;
    if (n->is_ephemeral() || n->resource_type == "snapshot" || !n->compiled)
      continue;  // dbt compile writes no file for these
    written.push_back(n);
  }
  // Ephemeral nodes that were compiled for others get their files too (dbt writes them).
  for (const auto& n : m.nodes) {
    if (n->is_ephemeral() && n->compiled)
      written.push_back(n.get());
  }
  // Two tests can share a file name (arguments that clean to the same name): dbt compiles in
  // unique_id order, so the greatest id's text is the file's.
  std::vector<std::string> paths;
  paths.reserve(written.size());  // (reserved: the views of `owner` stay valid)
  std::unordered_map<std::string_view, const Node*> owner;
  owner.reserve(written.size());
  for (const Node* n : written) {
    paths.push_back(n->compiled_sql_path());
    const Node*& o = owner[paths.back()];
    if (o == nullptr || o->unique_id < n->unique_id)
      o = n;
  }
  for (size_t i = 0; i < written.size(); ++i) {
    if (owner[paths[i]] == written[i])
      files.Add(target + "/" + paths[i], written[i]->compiled_code);
  }
  return ok && !diagnostics.has_errors();
}

namespace {

// The node's manifest entry: its data without the private `_` keys, with the compile results
// (replacing the data's keys of those names in place, or appended after them).
// The manifest entries a compile adds to a node, in their order, after the node's own keys:
// those the node's dict has are written in its place instead.
enum CompiledKey : uint8_t {
  kOwn,      // a key of the node's dict, written as it is
  kPrivate,  // a parser's key ("_…"), not written
  kCompiledPath,
  kCompiled,
  kCompiledCode,
  kExtraCtesInjected,
  kExtraCtes,
  kCompiledKeys = kExtraCtes - kCompiledPath + 1
};
constexpr const char* kCompiledKeyNames[] = {"compiled_path", "compiled", "compiled_code",
                                             "extra_ctes_injected", "extra_ctes"};

KeysJson DescribeKeys(const Dict& d) {
  KeysJson k;
  for (const auto& [key, v] : d.entries()) {
    std::string text = key.Str();
    uint8_t tag = kOwn;
    if (!text.empty() && text[0] == '_')
      tag = kPrivate;
    for (int i = 0; i < kCompiledKeys; ++i) {
      if (text == kCompiledKeyNames[i])
        tag = static_cast<uint8_t>(kCompiledPath + i);
    }
    std::string json = ",";  // (written from its second character for the first entry)
    AppendJsonString(json, text);
    json += ':';
    k.keys.push_back(std::move(json));
    k.tags.push_back(tag);
  }
  return k;
}

void NodeJson(std::string& out, const Node& n, const Project& project, JsonCache* cache,
              KeysJsonCache* keys_cache) {
  // What a compile adds (compiled_code is written from the node, not copied into a Value).
  bool compiled_keys[kCompiledKeys] = {};
  Value extra[kCompiledKeys];
  if (ManifestSection(n.resource_type) == "nodes" && n.resource_type != "seed") {
    bool has_file = n.compiled && n.resource_type != "snapshot";
    compiled_keys[0] = true;
    if (has_file) {
      thread_local std::string path;  // (reused: no allocation per node)
      path.assign(project.root().target_path).append("/").append(n.compiled_sql_path());
      extra[0] = Value(path);
    } else {
      extra[0] = Value::MakeNone();
    }
    if (n.compiled) {
      for (int i = 1; i < kCompiledKeys; ++i)
        compiled_keys[i] = true;
      extra[kCompiled - kCompiledPath] = Value(true);
      extra[kExtraCtesInjected - kCompiledPath] = Value(true);
      extra[kExtraCtes - kCompiledPath] = n.extra_ctes.is_list() ? n.extra_ctes : Value(List{});
    }
  }
  JsonStyle style;
  style.compact = true;
  style.cache = cache;
  const Dict& d = n.data.as_dict();
  KeysJson own;
  const KeysJson* keys = nullptr;
  if (const void* shared = d.shared_keys(); shared != nullptr && keys_cache != nullptr) {
    auto [it, added] = keys_cache->try_emplace(shared);
    if (added)
      it->second = DescribeKeys(d);
    keys = &it->second;
  } else {
    own = DescribeKeys(d);
    keys = &own;
  }
  out += '{';
  bool first = true;
  auto value = [&](int compiled_key) {
    if (compiled_key == kCompiledCode - kCompiledPath)
      AppendJsonString(out, n.compiled_code);
    else
      AppendJson(out, extra[compiled_key], style);
  };
  for (size_t i = 0; i < d.size(); ++i) {
    uint8_t tag = keys->tags[i];
    if (tag == kPrivate)
      continue;
    if (tag != kOwn && !compiled_keys[tag - kCompiledPath])
      tag = kOwn;  // not compiled: the node's own value
    const std::string& key = keys->keys[i];
    out.append(key, first ? 1 : 0);
    first = false;
    if (tag == kOwn) {
      AppendJson(out, d.value(i), style);
    } else {
      value(tag - kCompiledPath);
      compiled_keys[tag - kCompiledPath] = false;  // written
    }
  }
  for (int i = 0; i < kCompiledKeys; ++i) {
    if (!compiled_keys[i])
      continue;
    if (!first)
      out += ',';
    first = false;
    AppendJsonString(out, kCompiledKeyNames[i]);
    out += ':';
    value(i);
  }
  out += '}';
}

}  // namespace

std::string ManifestEntryJson(const Node& node, const Project& project) {
  std::string out;
  NodeJson(out, node, project, nullptr, nullptr);
  return out;
}

bool WriteManifest(const Project& project, const std::string& path, Diagnostics& diagnostics) {
  const Manifest& m = project.manifest;
  // Streamed: the text goes to the file a megabyte at a time (a 50k-model manifest is ~450 MB).
  AtomicFile file(path);
  PipedFileWriter piped(file);
  std::string out;
  constexpr size_t kFlushAt = 1 << 20;
  out.reserve(2 * kFlushAt);
  auto flush = [&] {
    piped.Write(std::move(out));
    out = piped.Spare();
  };
  JsonStyle style;
  style.compact = true;
  auto key = [&](const char* k) {
    AppendJsonString(out, k);
    out += ':';
  };
  out += '{';
  key("metadata");
  {
    Dict md;
    md.Set(Value("dbt_schema_version"), Value("https://schemas.getdbt.com/dbt/manifest/v12.json"));
    md.Set(Value("dbt_version"), Value("1.11.16"));
    md.Set(Value("generated_at"), Value(project.run_started_at));
    md.Set(Value("invocation_id"), Value(project.invocation_id));
    md.Set(Value("invocation_started_at"), Value(project.run_started_at));
    md.Set(Value("env"), Value(Dict()));
    md.Set(Value("project_name"), Value(project.root().name));
    md.Set(Value("project_id"), Value(Md5Hex(project.root().name)));
    md.Set(Value("user_id"), Value::MakeNone());
    md.Set(Value("send_anonymous_usage_stats"), Value(false));
    md.Set(Value("adapter_type"), Value(project.target.type()));
    Dict quoting;
    quoting.Set(Value("database"), Value(true));
    quoting.Set(Value("schema"), Value(true));
    quoting.Set(Value("identifier"), Value(true));
    quoting.Set(Value("column"), Value::MakeNone());
    md.Set(Value("quoting"), Value(std::move(quoting)));
    md.Set(Value("run_started_at"), Value(project.run_started_at));
    AppendJson(out, Value(std::move(md)), style);
  }
  struct Caches {
    JsonCache values;
    KeysJsonCache keys;
  };
  Caches out_cache, other_cache;  // one per thread writing entries
  auto section = [&](const char* name, const std::function<bool(const Node&)>& pick) {
    out += ',';
    key(name);
    out += '{';
    std::vector<const Node*> picked;
    for (const auto& n : m.nodes) {
      if (pick(*n))
        picked.push_back(n.get());
    }
    auto write = [&](std::string& to, Caches& caches, size_t from, size_t end) {
      for (size_t i = from; i < end; ++i) {
        if (i > 0)
          to += ',';
        AppendJsonString(to, picked[i]->unique_id);
        to += ':';
        NodeJson(to, *picked[i], project, &caches.values, &caches.keys);
      }
    };
    // Entries are independent and read-only here: a large section goes in chunks, every other
    // one written on another core, each pair sent to the file once written.
    // Both pieces then go to the file writer's thread: neither core waits for the copy.
    constexpr size_t kChunk = 1024;
    for (size_t from = 0; from < picked.size(); from += 2 * kChunk) {
      size_t mid = std::min(from + kChunk, picked.size());
      size_t end = std::min(from + 2 * kChunk, picked.size());
      std::thread helper;
      std::string other = piped.Spare();
      if (mid < end)
        helper = std::thread([&, mid, end] { write(other, other_cache, mid, end); });
      write(out, out_cache, from, mid);
      if (helper.joinable())
        helper.join();
      piped.Write(std::move(out));
      out = piped.Spare();
      if (!other.empty())
        piped.Write(std::move(other));
    }
    out += '}';
  };
  auto is_graph_node = [](const std::string& t) {
    return t == "model" || t == "seed" || t == "snapshot" || t == "test" || t == "analysis" ||
           t == "operation";
  };
  section("nodes", [&](const Node& n) { return is_graph_node(n.resource_type); });
  section("sources", [](const Node& n) { return n.resource_type == "source"; });
  out += ',';
  key("macros");
  out += '{';
  bool first = true;
  for (const auto& mac : m.macros) {
    if (!first)
      out += ',';
    first = false;
    AppendJsonString(out, mac->unique_id);
    out += ':';
    Dict d;
    d.Set(Value("name"), Value(mac->name));
    d.Set(Value("resource_type"), Value("macro"));
    d.Set(Value("package_name"), Value(mac->package));
    d.Set(Value("path"), Value(mac->original_file_path));
    d.Set(Value("original_file_path"), Value(mac->original_file_path));
    d.Set(Value("unique_id"), Value(mac->unique_id));
    d.Set(Value("macro_sql"), Value(mac->macro_sql));
    Dict dep;
    dep.Set(Value("macros"), Value(List{}));
    d.Set(Value("depends_on"), Value(std::move(dep)));
    d.Set(Value("description"), Value(""));
    d.Set(Value("meta"), Value(Dict()));
    Dict docs;
    docs.Set(Value("show"), Value(true));
    docs.Set(Value("node_color"), Value::MakeNone());
    d.Set(Value("docs"), Value(std::move(docs)));
    d.Set(Value("patch_path"), Value::MakeNone());
    List args;
    for (const std::string& a : mac->arguments) {
      Dict ad;
      ad.Set(Value("name"), Value(a));
      ad.Set(Value("type"), Value::MakeNone());
      ad.Set(Value("description"), Value(""));
      args.emplace_back(std::move(ad));
    }
    d.Set(Value("arguments"), Value(args));
    d.Set(Value("created_at"), Value(0.0));
    d.Set(Value("supported_languages"), Value::MakeNone());
    AppendJson(out, Value(std::move(d)), style);
  }
  out += '}';
  out += ',';
  key("docs");
  AppendJson(out, Value(m.docs), style);
  for (const char* type : {"exposure", "metric", "group"}) {
    std::string t = type;
    section(ManifestSection(t).c_str(), [t](const Node& n) { return n.resource_type == t; });
  }
  out += ',';
  key("selectors");
  out += "{}";
  out += ',';
  key("disabled");
  {
    Dict disabled;
    for (const auto& n : m.disabled) {
      Value* list = disabled.Find(Value(n->unique_id));
      Dict d;
      for (const auto& [k, v] : n->data.as_dict().entries()) {
        if (!k.Str().empty() && k.Str()[0] == '_')
          continue;
        d.Set(k, v);
      }
      if (!d.FindKey("unique_id")) {
        d.Set(Value("unique_id"), Value(n->unique_id));
        d.Set(Value("resource_type"), Value(n->resource_type));
        d.Set(Value("name"), Value(n->name));
      }
      if (list == nullptr)
        disabled.Set(Value(n->unique_id), Value(List{Value(std::move(d))}));
      else
        list->as_list().emplace_back(std::move(d));
    }
    AppendJson(out, Value(std::move(disabled)), style);
  }
  auto write_map = [&](const char* name, const Manifest::GraphMap& map) {
    out += ',';
    key(name);
    out += '{';
    bool f = true;
    for (const auto& [k, v] : map) {
      if (out.size() >= kFlushAt)
        flush();
      if (!f)
        out += ',';
      f = false;
      AppendJsonString(out, k);
      out += ":[";
      for (size_t i = 0; i < v.size(); ++i) {
        if (i)
          out += ',';
        AppendJsonString(out, v[i]);
      }
      out += ']';
    }
    out += '}';
  };
  write_map("parent_map", m.parent_map);
  write_map("child_map", m.child_map);
  out += ',';
  key("group_map");
  out += "{}";
  for (const char* type : {"saved_query", "semantic_model", "unit_test"}) {
    std::string t = type;
    section(ManifestSection(t).c_str(), [t](const Node& n) { return n.resource_type == t; });
  }
  out += ',';
  key("functions");
  out += "{}";
  out += '}';
  flush();
  piped.Finish();
  // Atomic (never half-written) but not synced: it is derived from the project and any parse
  // writes it again, as dbt does.
  return file.Commit(diagnostics, /*durable=*/false);
}

}  // namespace floe::dbt
