#include "floe/dbt/parse.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <thread>
#include <unordered_map>

#include "floe/base/fs.h"
#include "floe/base/hash.h"
#include "floe/base/heap.h"
#include "floe/base/parallel.h"
#include "floe/dbt/macro_library.h"
#include "floe/dbt/resources.h"
#include "floe/jinja/parser.h"

namespace floe::dbt {
namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------
// Files

// Every file under `dir` (relative to it, '/'-separated, sorted) whose name ends with `ext`.
std::vector<std::string> FilesUnder(const std::string& dir, const std::vector<std::string>& exts) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return out;
  for (auto it = fs::recursive_directory_iterator(
           dir, fs::directory_options::follow_directory_symlink, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec)
      break;
    if (!it->is_regular_file(ec))
      continue;
    std::string name = it->path().filename().string();
    for (const std::string& ext : exts) {
      if (name.size() > ext.size() &&
          name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
        // The walk yields dir + "/" + rest; cutting the prefix avoids fs::relative (which
        // resolves symlinks with a readlink per path component).
        std::string full = it->path().generic_string();
        out.push_back(full.size() > dir.size() + 1 ? full.substr(dir.size() + 1) : full);
        break;
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Stem(const std::string& path) {
  return fs::path(path).stem().string();
}

// Python's str.strip(): dbt reads project files stripped.
std::string PyStrip(const std::string& s) {
  const char* ws = " \t\n\r\v\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos)
    return "";
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::vector<std::string> FolderParts(const std::string& rel) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i < rel.size(); ++i) {
    if (rel[i] == '/') {
      parts.push_back(rel.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::string JoinPath(const std::string& a, const std::string& b) {
  if (a.empty() || a == ".")
    return b;
  return a + "/" + b;
}

// ---------------------------------------------------------------------------------------------
// Blocks

bool IsIdentChar(char c) {
  return isalnum(static_cast<unsigned char>(c)) || c == '_';
}

jinja::Position PosOf(const std::string& text, size_t offset) {
  jinja::Position p;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

}  // namespace

std::vector<std::string> DirsOf(const std::string& rel) {
  return FolderParts(rel);
}

std::vector<Block> SplitBlocks(const std::string& text, const std::vector<std::string>& tags,
                               std::string* error, jinja::Position* error_pos) {
  std::vector<Block> blocks;
  size_t i = 0;
  auto fail = [&](size_t at, std::string message) {
    if (error->empty()) {
      *error = std::move(message);
      *error_pos = PosOf(text, at);
    }
  };
  while (i < text.size()) {
    size_t open = text.find('{', i);
    if (open == std::string::npos || open + 1 >= text.size())
      break;
    char kind = text[open + 1];
    if (kind == '#') {
      size_t end = text.find("#}", open + 2);
      if (end == std::string::npos) {
        fail(open, "unexpected end of file inside a comment");
        break;
      }
      i = end + 2;
      continue;
    }
    if (kind != '%') {
      i = open + 1;
      continue;
    }
    size_t close = text.find("%}", open + 2);
    if (close == std::string::npos) {
      fail(open, "unexpected end of file inside a block tag");
      break;
    }
    size_t p = open + 2;
    if (p < close && (text[p] == '-' || text[p] == '+'))
      ++p;
    while (p < close && isspace(static_cast<unsigned char>(text[p])))
      ++p;
    size_t word_end = p;
    while (word_end < close && IsIdentChar(text[word_end]))
      ++word_end;
    std::string tag = text.substr(p, word_end - p);
    if (tag == "raw") {
      size_t end = text.find("endraw", close);
      i = end == std::string::npos ? text.size() : end;
      continue;
    }
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) {
      i = close + 2;
      continue;
    }
    Block b;
    b.tag = tag;
    b.start = PosOf(text, open);
    size_t q = word_end;
    while (q < close && isspace(static_cast<unsigned char>(text[q])))
      ++q;
    size_t name_end = q;
    while (name_end < close && IsIdentChar(text[name_end]))
      ++name_end;
    b.name = text.substr(q, name_end - q);
    size_t args_end = close;
    if (args_end > name_end && text[args_end - 1] == '-')
      --args_end;
    b.args = text.substr(name_end, args_end - name_end);
    // Find the matching end tag (blocks of the same kind do not nest in dbt files).
    std::string end_tag = "end" + tag;
    size_t search = close + 2;
    size_t end_open = std::string::npos, end_close = std::string::npos;
    while (search < text.size()) {
      size_t o = text.find("{%", search);
      if (o == std::string::npos)
        break;
      size_t c = text.find("%}", o + 2);
      if (c == std::string::npos)
        break;
      size_t w = o + 2;
      if (w < c && (text[w] == '-' || text[w] == '+'))
        ++w;
      while (w < c && isspace(static_cast<unsigned char>(text[w])))
        ++w;
      size_t we = w;
      while (we < c && IsIdentChar(text[we]))
        ++we;
      std::string word = text.substr(w, we - w);
      if (word == "raw") {
        size_t end = text.find("endraw", c);
        search = end == std::string::npos ? text.size() : end + 6;
        continue;
      }
      if (word == end_tag) {
        end_open = o;
        end_close = c + 2;
        break;
      }
      search = c + 2;
    }
    if (end_open == std::string::npos) {
      fail(open, "Reached EOF without finding a close tag for " + tag + " (searched from line " +
                     std::to_string(b.start.line) + ")");
      break;
    }
    b.full = text.substr(open, end_close - open);
    b.body = text.substr(close + 2, end_open - close - 2);
    b.body_start = PosOf(text, close + 2);
    blocks.push_back(std::move(b));
    i = end_close;
  }
  return blocks;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Configs

// dbt's MergeBehavior of NodeConfig fields (Append, Update; grants is DictKeyAppend; the rest,
// persist_docs included, are replaced).
bool IsAppendConfig(const std::string& k) {
  return k == "tags" || k == "pre-hook" || k == "post-hook" || k == "packages";
}
bool IsUpdateConfig(const std::string& k) {
  return k == "meta" || k == "docs" || k == "quoting" || k == "column_types" || k == "contract";
}

std::string NormalizeKey(const std::string& key) {
  if (key == "pre_hook")
    return "pre-hook";
  if (key == "post_hook")
    return "post-hook";
  if (key == "data_tests" || key == "tests")
    return key;
  return key;
}

Value AsList(const Value& v) {
  if (v.is_list())
    return v;
  if (v.is_none() || v.is_undefined())
    return Value(List{});
  return Value(List{v});
}

}  // namespace

void MergeConfig(Dict& into, const std::string& raw_key, const Value& value) {
  std::string key = NormalizeKey(raw_key);
  if (IsAppendConfig(key)) {
    Value* existing = into.Find(Value(key));
    List items = existing && existing->is_list() ? existing->as_list() : List{};
    Value list = AsList(value);
    for (const Value& v : list.as_list())
      items.push_back(v);
    into.Set(Value(key), Value(items));
    return;
  }
  if (key == "grants" && value.is_dict()) {
    // each privilege's grantees replace the earlier ones, or extend them under "+privilege"
    Value* existing = into.Find(Value(key));
    Dict merged;
    if (existing && existing->is_dict()) {
      for (const auto& [k, v] : existing->as_dict().entries())
        merged.Set(k, AsList(v));
    }
    for (const auto& [k, v] : value.as_dict().entries()) {
      std::string privilege = k.Str();
      bool extend = !privilege.empty() && privilege[0] == '+';
      if (extend)
        privilege.erase(0, privilege.find_first_not_of('+'));
      Value* have = merged.Find(Value(privilege));
      if (extend && have != nullptr) {
        List items = have->as_list();
        Value more = AsList(v);  // held: a range-for over a temporary's list would dangle
        for (const Value& x : more.as_list())
          items.push_back(x);
        *have = Value(std::move(items));
      } else {
        merged.Set(Value(privilege), AsList(v));
      }
    }
    into.Set(Value(key), Value(std::move(merged)));
    return;
  }
  if (IsUpdateConfig(key) && value.is_dict()) {
    Value* existing = into.Find(Value(key));
    Dict merged;
    if (existing && existing->is_dict()) {
      for (const auto& [k, v] : existing->as_dict().entries())
        merged.Set(k, v);
    }
    for (const auto& [k, v] : value.as_dict().entries())
      merged.Set(k, v);
    into.Set(Value(key), Value(std::move(merged)));
    return;
  }
  into.Set(Value(key), value);
}

void ApplyTree(const Value& tree, const std::vector<std::string>& fqn, Dict& into,
               Dict* unrendered) {
  const Value* level = &tree;
  for (size_t depth = 0; level != nullptr && level->is_dict(); ++depth) {
    for (const auto& [k, v] : level->as_dict().entries()) {
      std::string key = k.Str();
      if (!key.empty() && key[0] == '+') {
        MergeConfig(into, key.substr(1), v);
        if (unrendered)  // as written (keys and values): each level replaces, as dict.update
          unrendered->Set(Value(key.substr(1)), v);
      } else if (!v.is_dict() && depth > 0) {
        MergeConfig(into, key, v);
        if (unrendered)
          unrendered->Set(Value(key), v);
      }
    }
    if (depth >= fqn.size())
      break;
    level = level->as_dict().FindKey(fqn[depth]);
  }
}

namespace {

List Hooks(const Value& v) {
  List out;
  Value hooks = AsList(v);
  for (const Value& h : hooks.as_list()) {
    if (h.is_dict()) {
      Dict d;
      const Value* sql = h.as_dict().FindKey("sql");
      const Value* tx = h.as_dict().FindKey("transaction");
      d.Set(Value("sql"), sql ? *sql : Value(""));
      d.Set(Value("transaction"), tx ? *tx : Value(true));
      d.Set(Value("index"), None());
      out.emplace_back(std::move(d));
    } else {
      // A string is SQL, or the JSON that before_begin()/after_commit() render.
      std::string text = h.Str();
      size_t b = text.find_first_not_of(" \t\r\n");
      if (b != std::string::npos && text[b] == '{') {
        bool ok = false;
        Value parsed = jinja::FromJsonText(text, &ok);
        if (ok && parsed.is_dict() && parsed.as_dict().FindKey("sql")) {
          Dict d;
          d.Set(Value("sql"), *parsed.as_dict().FindKey("sql"));
          const Value* tx = parsed.as_dict().FindKey("transaction");
          d.Set(Value("transaction"), tx ? *tx : Value(true));
          d.Set(Value("index"), None());
          out.emplace_back(std::move(d));
          continue;
        }
      }
      Dict d;
      d.Set(Value("sql"), Value(text));
      d.Set(Value("transaction"), Value(true));
      d.Set(Value("index"), None());
      out.emplace_back(std::move(d));
    }
  }
  return out;
}

Dict DefaultConfig(const std::string& resource_type) {
  Dict c;
  c.Reserve(40);
  auto set = [&](const char* k, Value v) { c.Append(Value(k), std::move(v)); };
  set("enabled", Value(true));
  set("alias", None());
  set("schema", resource_type == "test" ? Value("dbt_test__audit") : None());
  set("database", None());
  set("tags", Value(List{}));
  set("meta", Value(Dict()));
  set("group", None());
  set("static_analysis", None());
  if (resource_type == "test") {
    set("materialized", Value("test"));
    set("severity", Value("ERROR"));
    set("store_failures", None());
    set("store_failures_as", None());
    set("where", None());
    set("limit", None());
    set("fail_calc", Value("count(*)"));
    set("warn_if", Value("!= 0"));
    set("error_if", Value("!= 0"));
    return c;
  }
  set("materialized", Value(resource_type == "seed"       ? "seed"
                            : resource_type == "snapshot" ? "snapshot"
                                                          : "view"));
  set("incremental_strategy", None());
  set("batch_size", None());
  set("lookback", Value(1));
  set("begin", None());
  set("persist_docs", Value(Dict()));
  set("post-hook", Value(List{}));
  set("pre-hook", Value(List{}));
  set("quoting", Value(Dict()));
  set("column_types", Value(Dict()));
  set("full_refresh", None());
  set("unique_key", None());
  set("on_schema_change", Value("ignore"));
  set("on_configuration_change", Value("apply"));
  set("grants", Value(Dict()));
  set("packages", Value(List{}));
  Dict docs;
  docs.Set(Value("show"), Value(true));
  docs.Set(Value("node_color"), None());
  set("docs", Value(std::move(docs)));
  Dict contract;
  contract.Set(Value("enabled"), Value(false));
  contract.Set(Value("enforced"), Value(false));
  contract.Set(Value("alias_types"), Value(true));
  contract.Erase(Value("enabled"));
  set("contract", Value(std::move(contract)));
  set("event_time", None());
  set("concurrent_batches", None());
  if (resource_type == "model") {
    set("access", Value("protected"));
    set("freshness", None());
  } else if (resource_type == "seed") {
    set("delimiter", Value(","));
    set("quote_columns", None());
  } else if (resource_type == "snapshot") {
    set("strategy", None());
    set("target_schema", None());
    set("target_database", None());
    set("updated_at", None());
    set("check_cols", None());
    Dict meta_names;
    set("snapshot_meta_column_names", Value(std::move(meta_names)));
    set("dbt_valid_to_current", None());
  }
  return c;
}

std::string TreeKey(std::string_view resource_type) {
  if (resource_type == "model")
    return "models";
  if (resource_type == "seed")
    return "seeds";
  if (resource_type == "snapshot")
    return "snapshots";
  if (resource_type == "test")
    return "data_tests";
  if (resource_type == "source")
    return "sources";
  return "models";  // analyses take their configs from the models tree, as in dbt
}

// ---------------------------------------------------------------------------------------------

// A constraint as dbt stores it (ModelLevelConstraint / ColumnLevelConstraint): every field, in
// dbt's order; `columns` only at model level.
Value NormalizeConstraint(const Value& raw, bool model_level) {
  if (!raw.is_dict())
    return raw;
  const Dict& in = raw.as_dict();
  auto get = [&](const char* k, Value fallback) {
    const Value* v = in.FindKey(k);
    return v ? *v : fallback;
  };
  Dict c;
  c.Append(Value("type"), get("type", Value::MakeNone()));
  c.Append(Value("name"), get("name", Value::MakeNone()));
  c.Append(Value("expression"), get("expression", Value::MakeNone()));
  c.Append(Value("warn_unenforced"), get("warn_unenforced", Value(true)));
  c.Append(Value("warn_unsupported"), get("warn_unsupported", Value(true)));
  c.Append(Value("to"), get("to", Value::MakeNone()));
  c.Append(Value("to_columns"), get("to_columns", Value(List{})));
  if (model_level)
    c.Append(Value("columns"), get("columns", Value(List{})));
  return Value(std::move(c));
}

Value NormalizeConstraints(const Value& raw, bool model_level) {
  List out;
  if (raw.is_list()) {
    for (const Value& c : raw.as_list())
      out.push_back(NormalizeConstraint(c, model_level));
  }
  return Value(std::move(out));
}

// dbt's statically_parse_ref_or_source for a foreign key's `to`: `ref('m')`, `ref('pkg', 'm')`,
// `ref('m', v=2)` or `source('s', 't')`. False when `expression` is none of these.
bool StaticRefOrSource(const std::string& expression, RefCall* ref,
                       std::pair<std::string, std::string>* source, bool* is_source) {
  try {
    jinja::Template tpl = jinja::Parse("{{ " + expression + " }}", "constraint");
    bool found = false;
    Dict globals;
    globals.Set(Value("ref"), Value::Function("ref", [&](jinja::Interpreter&, jinja::Arguments& a) {
                  if (a.positional.size() >= 2) {
                    ref->package = a.positional[0].Str();
                    ref->name = a.positional[1].Str();
                  } else {
                    ref->name = a.Get(0, "name").Str();
                  }
                  ref->version = a.Get(99, "version", a.Get(99, "v", Value::MakeNone()));
                  *is_source = false;
                  found = true;
                  return Value("");
                }));
    globals.Set(Value("source"),
                Value::Function("source", [&](jinja::Interpreter&, jinja::Arguments& a) {
                  *source = {a.Get(0, "source_name").Str(), a.Get(1, "table_name").Str()};
                  *is_source = true;
                  found = true;
                  return Value("");
                }));
    jinja::Interpreter in(globals);
    in.Render(tpl);
    return found;
  } catch (...) {
    return false;
  }
}

// Every constraint of a model, model-level first (dbt's all_constraints), for in-place edits.
std::vector<Value*> AllConstraints(Node& n) {
  std::vector<Value*> out;
  Dict& d = n.data.as_dict();
  if (Value* model = d.Find(Value("constraints")); model && model->is_list()) {
    for (Value& c : model->as_list())
      out.push_back(&c);
  }
  if (Value* columns = d.Find(Value("columns")); columns && columns->is_dict()) {
    for (const auto& entry : columns->as_dict().entries()) {
      if (!entry.second.is_dict())
        continue;
      if (Value* cs = entry.second.as_dict().Find(Value("constraints")); cs && cs->is_list()) {
        for (Value& c : cs->as_list())
          out.push_back(&c);
      }
    }
  }
  return out;
}

// What a foreign key constraint's `to` names: a ref or a source (dbt's
// statically_parse_ref_or_source); nothing for other constraints.
struct ForeignKeyTarget {
  bool is_source = false;
  RefCall ref;
  std::pair<std::string, std::string> source;
};
std::optional<ForeignKeyTarget> ForeignKeyOf(const Value& constraint) {
  if (!constraint.is_dict())
    return std::nullopt;
  const Value* type = constraint.as_dict().FindKey("type");
  const Value* to = constraint.as_dict().FindKey("to");
  if (type == nullptr || type->Str() != "foreign_key" || to == nullptr || !to->is_string())
    return std::nullopt;
  ForeignKeyTarget t;
  if (!StaticRefOrSource(to->Str(), &t.ref, &t.source, &t.is_source))
    return std::nullopt;
  return t;
}

// Foreign keys to other models or sources are dependencies (dbt's
// _process_constraints_refs_and_sources, after the SQL's own refs).
void AddConstraintRefs(Node& n) {
  for (Value* c : AllConstraints(n)) {
    if (auto t = ForeignKeyOf(*c)) {
      if (t->is_source)
        n.sources.push_back(t->source);
      else
        n.refs.push_back(t->ref);
    }
  }
}

// A foreign key's `to` becomes the relation it names, as dbt's manifest shows it.
void ResolveConstraintTargets(const Project& project, Node& n) {
  for (Value* c : AllConstraints(n)) {
    auto t = ForeignKeyOf(*c);
    if (!t)
      continue;
    std::string id = t->is_source
                         ? "source." + n.package + "." + t->source.first + "." + t->source.second
                         : ResolveRef(project, n, t->ref);
    auto it = project.manifest.by_id.find(id);
    if (it == project.manifest.by_id.end())
      continue;
    if (const Value* rel = it->second->data.as_dict().FindKey("relation_name"))
      c->as_dict().Set(Value("to"), *rel);
  }
}

// dbt's TestBuilder.construct_config: the test's config as a `{{ config(k=v,...) }}` call
// appended to its raw code (strings double-quoted, everything else as Python's str()).
std::string ConfigCallText(const Dict& config) {
  std::string args;
  for (const auto& [k, v] : config.entries()) {
    if (!args.empty())
      args += ',';
    args += k.Str() + "=";
    if (v.is_string()) {
      std::string escaped;
      for (char c : v.as_string()) {
        if (c == '"')
          escaped += '\\';
        escaped += c;
      }
      args += '"' + escaped + '"';
    } else {
      args += v.Repr();
    }
  }
  return args.empty() ? "" : "{{ config(" + args + ") }}";
}

// Python's sorted(set(items)) for strings.
List SortedUnique(const List& items) {
  std::set<std::string> seen;
  for (const Value& v : items)
    seen.insert(v.Str());
  List out;
  for (const std::string& t : seen)
    out.emplace_back(t);
  return out;
}

// A YAML entry's tags (top-level `tags:` and, when `with_config`, `config.tags`), as a list.
List TagsOf(const Value& entry, bool with_config) {
  List out;
  if (!entry.is_dict())
    return out;
  auto add = [&](const Value* t) {
    if (t == nullptr)
      return;
    Value items = AsList(*t);  // held: a range-for over a temporary's list would dangle
    for (const Value& x : items.as_list())
      out.push_back(x);
  };
  add(entry.as_dict().FindKey("tags"));
  if (with_config) {
    if (const Value* c = entry.as_dict().FindKey("config"); c && c->is_dict())
      add(c->as_dict().FindKey("tags"));
  }
  return out;
}

// The column a generic test gets: quoted as the adapter quotes (`"name"`, dbt-duckdb does not
// escape) when the column says `quote: true`, or says nothing and its table quotes columns.
Value TestColumnName(const Value& column, bool table_quotes_columns) {
  const Value* name = column.as_dict().FindKey("name");
  if (name == nullptr)
    return Value::MakeNone();
  const Value* quote = column.as_dict().FindKey("quote");
  bool should_quote = (quote != nullptr && quote->Truthy()) ||
                      ((quote == nullptr || quote->is_none()) && table_quotes_columns);
  return should_quote ? Value("\"" + name->Str() + "\"") : *name;
}

// Whether a source's table quotes its columns (`quoting: {column: true}`, the table's over the
// source's).
bool QuoteColumns(const Value& source, const Value& table) {
  bool on = false;
  for (const Value* v : {&source, &table}) {
    if (!v->is_dict())
      continue;
    const Value* q = v->as_dict().FindKey("quoting");
    if (q != nullptr && q->is_dict()) {
      if (const Value* c = q->as_dict().FindKey("column"); c && !c->is_none())
        on = c->Truthy();
    }
  }
  return on;
}

// dbt's FreshnessThreshold and Time, as values: a Time is {count, period} (empty when either
// is None); a threshold {warn_after, error_after, filter}.
bool TimeSet(const Value& t) {
  if (!t.is_dict())
    return false;
  const Value* c = t.as_dict().FindKey("count");
  const Value* p = t.as_dict().FindKey("period");
  return c && !c->is_none() && p && !p->is_none();
}

Value TimeOf(const Value* raw) {  // absent: Time(); null: None
  if (raw != nullptr && raw->is_none())
    return Value::MakeNone();
  Dict t;
  const Value* c = raw && raw->is_dict() ? raw->as_dict().FindKey("count") : nullptr;
  const Value* p = raw && raw->is_dict() ? raw->as_dict().FindKey("period") : nullptr;
  t.Append(Value("count"), c ? *c : Value::MakeNone());
  t.Append(Value("period"), p ? *p : Value::MakeNone());
  return Value(std::move(t));
}

Value ThresholdOf(const Value* raw) {  // absent: FreshnessThreshold(); null: None
  if (raw != nullptr && raw->is_none())
    return Value::MakeNone();
  const Dict* d = raw && raw->is_dict() ? &raw->as_dict() : nullptr;
  Dict f;
  f.Append(Value("warn_after"), TimeOf(d ? d->FindKey("warn_after") : nullptr));
  f.Append(Value("error_after"), TimeOf(d ? d->FindKey("error_after") : nullptr));
  const Value* filter = d ? d->FindKey("filter") : nullptr;
  f.Append(Value("filter"), filter ? *filter : Value::MakeNone());
  return Value(std::move(f));
}

// merge_freshness_time_thresholds
Value MergeTime(const Value& base, const Value& update) {
  if (TimeSet(base) && TimeSet(update))
    return update;  // both fields set: the update's
  if (update.is_none())
    return update;
  return TimeSet(update) ? update : base;
}

// merge_source_freshness over the source, its config, the table and its config. `said` tells
// whether the result is a threshold to use (false: nothing was set; the project's applies).
Value SourceFreshness(const Value& source, const Value& table, bool* said) {
  auto at = [](const Value& entry, bool config) -> Value {
    const Value* raw = nullptr;
    if (entry.is_dict()) {
      if (config) {
        const Value* c = entry.as_dict().FindKey("config");
        raw = c && c->is_dict() ? c->as_dict().FindKey("freshness") : nullptr;
      } else {
        raw = entry.as_dict().FindKey("freshness");
      }
    }
    return ThresholdOf(raw);
  };
  auto set = [](const Value& f) {
    return f.is_dict() && (TimeSet(*f.as_dict().FindKey("warn_after")) ||
                           TimeSet(*f.as_dict().FindKey("error_after")));
  };
  Value merged = at(source, false);
  for (const Value& update : {at(source, true), at(table, false), at(table, true)}) {
    if (!merged.is_none() && !update.is_none()) {
      Dict m;
      const Dict& b = merged.as_dict();
      const Dict& u = update.as_dict();
      m.Append(Value("warn_after"), MergeTime(*b.FindKey("warn_after"), *u.FindKey("warn_after")));
      m.Append(Value("error_after"),
               MergeTime(*b.FindKey("error_after"), *u.FindKey("error_after")));
      const Value* filter = u.FindKey("filter");
      m.Append(Value("filter"), filter->is_none() ? *b.FindKey("filter") : *filter);
      merged = Value(std::move(m));
    } else if (merged.is_none() && set(update)) {
      merged = update;
    } else {
      merged = Value::MakeNone();
    }
  }
  *said = merged.is_none() || set(merged);
  return merged;
}

// A model's `time_spine:` as dbt's TimeSpine: standard_granularity_column and its custom
// granularities ({name, column_name}).
Value TimeSpine(const Value& raw) {
  if (!raw.is_dict())
    return Value::MakeNone();
  Dict t;
  const Value* column = raw.as_dict().FindKey("standard_granularity_column");
  t.Append(Value("standard_granularity_column"), column ? *column : Value::MakeNone());
  List custom;
  if (const Value* c = raw.as_dict().FindKey("custom_granularities"); c && c->is_list()) {
    for (const Value& g : c->as_list()) {
      if (!g.is_dict())
        continue;
      Dict one;
      const Value* name = g.as_dict().FindKey("name");
      const Value* col = g.as_dict().FindKey("column_name");
      one.Append(Value("name"), name ? *name : Value::MakeNone());
      one.Append(Value("column_name"), col ? *col : Value::MakeNone());
      custom.emplace_back(std::move(one));
    }
  }
  t.Append(Value("custom_granularities"), Value(std::move(custom)));
  return Value(std::move(t));
}

// Python's repr of a constraint as dbt's dataclass prints it.
std::string ConstraintRepr(const Value& c, bool model_level) {
  if (!c.is_dict())
    return c.Repr();
  const Dict& d = c.as_dict();
  auto get = [&](const char* k) { return Get(d, k); };
  std::string type = get("type").Str();
  std::string out = std::string(model_level ? "ModelLevelConstraint" : "ColumnLevelConstraint") +
                    "(type=<ConstraintType." + type + ": '" + type +
                    "'>, name=" + get("name").Repr() + ", expression=" + get("expression").Repr() +
                    ", warn_unenforced=" + get("warn_unenforced").Repr() +
                    ", warn_unsupported=" + get("warn_unsupported").Repr() +
                    ", to=" + get("to").Repr() + ", to_columns=" + get("to_columns").Repr();
  if (model_level)
    out += ", columns=" + get("columns").Repr();
  return out + ")";
}

std::string ConstraintsRepr(const Value* list, bool model_level) {
  std::string out = "[";
  if (list != nullptr && list->is_list()) {
    for (size_t i = 0; i < list->as_list().size(); ++i)
      out += (i ? ", " : "") + ConstraintRepr(list->as_list()[i], model_level);
  }
  return out + "]";
}

// dbt's build_contract_checksum: sha256 over the columns by name (name, data_type, constraints)
// and, for table and incremental models, the materialization and model-level constraints.
std::string ContractChecksum(const Dict& node, const std::string& materialized) {
  std::vector<const Dict*> columns;
  if (const Value* cols = node.FindKey("columns"); cols && cols->is_dict()) {
    for (const auto& [k, v] : cols->as_dict().entries()) {
      if (v.is_dict())
        columns.push_back(&v.as_dict());
    }
  }
  auto name_of = [](const Dict* c) {
    const Value* n = c->FindKey("name");
    return n ? n->Str() : std::string();
  };
  std::stable_sort(columns.begin(), columns.end(),
                   [&](const Dict* a, const Dict* b) { return name_of(a) < name_of(b); });
  std::string state;
  for (const Dict* c : columns) {
    const Value* type = c->FindKey("data_type");
    state += "|" + name_of(c) + (type == nullptr || type->is_none() ? "None" : type->Str());
    state += ConstraintsRepr(c->FindKey("constraints"), false);
  }
  if (materialized == "table" || materialized == "incremental")
    state += materialized + ConstraintsRepr(node.FindKey("constraints"), true);
  return Sha256Hex(state);
}

// A model's deprecation_date as dbt keeps it: a datetime with its UTC offset; a date alone is
// midnight in the local time zone (datetime.astimezone()).
Value DeprecationDate(const Value& raw) {
  if (!raw.is_string())
    return raw;
  std::string t(raw.as_string());
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char rest[16] = {0};
  int fields =
      std::sscanf(t.c_str(), "%d-%d-%d%*[T ]%d:%d:%d%15s", &y, &mo, &d, &h, &mi, &sec, rest);
  if (fields != 3 && fields != 6)
    return raw;  // already zoned, or not a date: as written
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  std::time_t when = std::mktime(&tm);
  std::tm local{};
  localtime_r(&when, &local);
  long offset = local.tm_gmtoff / 60;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", y, mo, d, h, mi, sec,
                offset < 0 ? '-' : '+', std::labs(offset) / 60, std::labs(offset) % 60);
  return Value(std::string(buf));
}

// The problems of the node this thread parses inside Parser::ParseEach (null elsewhere).
thread_local Diagnostics* t_node_diags = nullptr;

class Parser {
 public:
  Parser(Project& project, Session& session, Diagnostics& diagnostics)
      : project_(project), session_(session), all_diags_(diagnostics), m_(project.manifest) {}

  bool Run();

 private:
  struct Patch {  // a models:/seeds:/snapshots:/analyses: entry of a properties file
    const Package* package;
    std::string file;  // original_file_path
    std::string yaml_key;
    Value entry;
    floe::Mark mark;
    std::string file_checksum;  // sha256 of the stripped properties file (YAML snapshots)
    std::string dir;            // the resource path the file is under (snapshots/)
  };

  void LoadMacros();
  void LoadMacroFile(const Package* pkg, const std::string& rel, const std::string& text,
                     bool generic_tests_only);
  void AddMacro(const std::string& package, const std::string& rel, const std::string& name,
                const std::string& full_text, jinja::Position start, const std::string& source);
  void LoadDocs(const Package& pkg);
  // A node's code as dbt keeps it: stripped, its checksum, the line it starts on.
  struct SourceCode {
    std::string stripped;
    std::string checksum;
    uint32_t first_line = 1;
  };
  // A properties file read and parsed ahead (on its own thread, while macros load and model
  // files are read): its top-level values converted, its problems kept for their turn.
  struct PropertiesFile {
    const Package* package;
    std::string rel, dir, text;
    Diagnostics read_diags, yaml_diags;
    bool read = false, parsed = false;
    Document doc;
    std::vector<Value> values;  // FromYaml of each entry of a map root, in order
  };
  static std::vector<PropertiesFile> ReadPropertiesFiles(const Project& project);
  void LoadProperties(PropertiesFile& file);
  // A model folder's files, read and prepared on every core ahead of making their nodes.
  struct ModelFile {
    std::string name;  // relative to the folder
    Diagnostics diagnostics;
    bool ok = false;
    SourceCode code;
  };
  struct ModelFolder {
    std::string dir;
    std::vector<ModelFile> files;
  };
  static std::vector<ModelFolder> ReadModelFiles(const Package& pkg);
  void LoadSqlNodes(const Package& pkg, std::vector<ModelFolder>& models);
  static SourceCode PrepareCode(const std::string& raw);
  Node* NewNode(const Package& pkg, const std::string& type, const std::string& name,
                const std::string& rel_in_path, const std::string& original, std::string raw);
  Node* NewNode(const Package& pkg, const std::string& type, const std::string& name,
                const std::string& rel_in_path, const std::string& original, SourceCode code);
  void ResolveConfig(Node& n, const Value* yaml_config);
  void ParseRender(Node& n);
  void Finalize(Node& n);
  void ApplyPatch(Node& n, const Patch& p);
  void AddSources(const Package& pkg, const std::string& file, const Value& sources);
  void AddGenericTests();
  void InferPrimaryKeys();
  // Whether rendering the test argument `v` would only call ref()/source() with literal
  // arguments (or nothing): appends those calls to `calls`.
  bool StaticArgument(const Value& v, std::vector<StaticCall>* calls);
  // Builds the generic test `test` of `target` (a node of its own) into `out`.
  void AddTest(std::vector<std::unique_ptr<Node>>& out, const List& inherited_tags,
               const Node& target, const Value& test, const Value* column, const std::string& file,
               const Package& pkg, const std::string& target_kind);
  void Link();
  std::string Schema(Node& n, const Value& custom);
  bool ParseRenderHooks(Node& n);
  void ApplyVersions();
  void AddYamlSnapshots();
  void AddOperations();
  static std::string PatchKey(const Node& n) {
    const Value* v = n.data.as_dict().FindKey("version");
    std::string key = n.package + ":" + n.resource_type + ":" + n.name;
    return v && !v->is_none() ? key + ".v" + v->Str() : key;
  }
  std::string RefHint(const std::string& name) const;
  std::string Alias(Node& n, const Value& custom);
  // Where problems go: the project's list, or the current node's while workers parse nodes.
  Diagnostics& diags() { return t_node_diags != nullptr ? *t_node_diags : all_diags_; }
  // Runs `parse` on every node of `nodes` on every core; each node's problems and log lines are
  // reported afterwards in node order, as if the nodes had been parsed one after another.
  void ParseEach(const std::vector<Node*>& nodes, const std::function<void(Node&, size_t)>& parse);

  void Error(Code code, const std::string& file, jinja::Position pos, std::string message,
             std::string hint = {}) {
    diags().Error(code, {file, pos.line, pos.column}, std::move(message), std::move(hint));
  }
  std::string Display(const Package& pkg, const std::string& rel) {
    return DisplayPath(project_, pkg, rel);
  }
  Value DocRender(const Package& pkg, const Value& text);
  Value DocBlocks(const Package& pkg, const Value& text) const;

  Project& project_;
  Session& session_;
  Diagnostics& all_diags_;
  Manifest& m_;
  std::vector<Patch> patches_;
  std::vector<std::unique_ptr<Patch>> version_patches_;  // one per version of a versioned model
  std::map<std::string, const Patch*> patch_by_key_;     // "<pkg>:<type>:<name>"
  std::vector<YamlResources> yaml_resources_;
  // ResolveConfig's results by what they depend on (ConfigKey): most nodes of a project share
  // their config with many others. The values are frozen (interned): a node that changes its
  // config changes a copy.
  struct ResolvedConfig {
    Value config, unrendered;
  };
  std::mutex config_cache_mutex_;
  std::unordered_map<std::string, ResolvedConfig> config_cache_;
  jinja::ValueInterner config_interner_{1 << 16};  // under config_cache_mutex_
  bool ConfigKey(const Node& n, const Value* yaml_config, std::string* key) const;
};

void Parser::AddMacro(const std::string& package, const std::string& rel, const std::string& name,
                      const std::string& full_text, jinja::Position start,
                      const std::string& source) {
  auto m = std::make_unique<Macro>();
  m->name = name;
  m->package = package;
  m->unique_id = "macro." + package + "." + name;
  m->original_file_path = rel;
  m->macro_sql = full_text;
  try {
    auto tpl = std::make_shared<jinja::Template>(jinja::Parse(source, rel, start));
    const jinja::Stmt* stmt = nullptr;
    for (const auto& s : tpl->body) {
      if (s->kind == jinja::Stmt::Kind::kMacro)
        stmt = s.get();
    }
    if (stmt == nullptr)
      return;
    for (const auto& p : stmt->params)
      m->arguments.push_back(p.name);
    m->tpl = tpl;
    m->stmt = stmt;
    m->callable = jinja::MacroValue(tpl, stmt);
  } catch (const jinja::TemplateError& e) {
    Error(Code::kDbtJinja, rel, e.pos, "Compilation Error in macro " + name + ": " + e.message);
    return;
  }
  m_.macros.push_back(std::move(m));
}

void Parser::LoadMacroFile(const Package* pkg, const std::string& rel, const std::string& text,
                           bool generic_tests_only) {
  std::string package = pkg ? pkg->name : "";
  std::string display = pkg ? Display(*pkg, rel) : rel;
  std::vector<std::string> tags = {"test", "data_test"};
  if (!generic_tests_only) {
    tags.emplace_back("macro");
    tags.emplace_back("materialization");
  }
  std::string error;
  jinja::Position error_pos;
  std::vector<Block> blocks = SplitBlocks(text, tags, &error, &error_pos);
  if (!error.empty())
    Error(Code::kDbtJinja, display, error_pos, "Compilation Error in macro file: " + error);
  for (const Block& b : blocks) {
    if (b.tag == "macro") {
      AddMacro(package, rel, b.name, b.full, b.start, b.full);
    } else if (b.tag == "test" || b.tag == "data_test") {
      // {% test name(args) %} defines the macro test_name.
      std::string src = "{% macro test_" + b.name + b.args + " %}" + b.body + "{% endmacro %}";
      AddMacro(package, rel, "test_" + b.name, b.full, b.start, src);
    } else if (b.tag == "materialization") {
      // {% materialization name, adapter='x' %} / {% materialization name, default %}
      std::string adapter = "default";
      std::smatch m;
      static const std::regex kAdapter(R"(adapter\s*=\s*['"]([A-Za-z0-9_]+)['"])");
      if (std::regex_search(b.args, m, kAdapter))
        adapter = m[1].str();
      std::string name = "materialization_" + b.name + "_" + adapter;
      std::string src = "{% macro " + name + "() %}" + b.body + "{% endmacro %}";
      AddMacro(package, rel, name, b.full, b.start, src);
    }
  }
}

void Parser::LoadMacros() {
  for (const LibraryFile& f : MacroLibrary()) {
    // The global project's macros, and those of the target's adapter only (as dbt loads the
    // one adapter plugin it runs with).
    if (std::string(f.package) != "dbt" && f.package != "dbt_" + project_.target.type())
      continue;
    Package lib;
    lib.name = f.package;
    LoadMacroFile(nullptr, f.path, std::string(f.text), false);
    // The library's macros are added under the package named by the file.
    for (auto& m : m_.macros) {
      if (m->package.empty())
        m->package = f.package, m->unique_id = std::string("macro.") + f.package + "." + m->name;
    }
  }
  for (const auto& pkg : project_.packages) {
    for (const std::string& dir : pkg->macro_paths) {
      for (const std::string& f : FilesUnder(pkg->dir + "/" + dir, {".sql"})) {
        std::string rel = JoinPath(dir, f);
        std::string text;
        if (!ReadFile(pkg->dir + "/" + rel, text, diags()))
          continue;
        LoadMacroFile(pkg.get(), rel, text, false);
      }
    }
    for (const std::string& dir : pkg->test_paths) {
      for (const std::string& f : FilesUnder(pkg->dir + "/" + dir + "/generic", {".sql"})) {
        std::string rel = JoinPath(dir, "generic/" + f);
        std::string text;
        if (!ReadFile(pkg->dir + "/" + rel, text, diags()))
          continue;
        LoadMacroFile(pkg.get(), rel, text, true);
      }
    }
  }
  // Two macros of one package with one name: dbt refuses the project.
  std::map<std::string, const Macro*> seen;
  for (const auto& m : m_.macros) {
    auto [it, inserted] = seen.emplace(m->unique_id, m.get());
    if (!inserted && !MacroIndex::IsInternal(m->package)) {
      Error(Code::kDbtDuplicate, m->original_file_path, {},
            "dbt found two macros named \"" + m->name + "\" in the project \"" + m->package +
                "\".\n - " + it->second->original_file_path + "\n - " + m->original_file_path,
            "rename one of them");
    }
  }
}

void Parser::LoadDocs(const Package& pkg) {
  std::set<std::string> seen_files;
  for (const std::string& dir : pkg.docs_paths) {
    for (const std::string& f : FilesUnder(pkg.dir + "/" + dir, {".md"})) {
      std::string rel = JoinPath(dir, f);
      if (!seen_files.insert(rel).second)
        continue;
      std::string text;
      if (!ReadFile(pkg.dir + "/" + rel, text, diags()))
        continue;
      std::string error;
      jinja::Position pos;
      for (const Block& b : SplitBlocks(text, {"docs"}, &error, &pos)) {
        Dict d;
        std::string id = "doc." + pkg.name + "." + b.name;
        d.Set(Value("name"), Value(b.name));
        d.Set(Value("resource_type"), Value("doc"));
        d.Set(Value("package_name"), Value(pkg.name));
        d.Set(Value("path"), Value(f));
        d.Set(Value("original_file_path"), Value(rel));
        d.Set(Value("unique_id"), Value(id));
        // stripped, as dbt's documentation parser keeps it
        size_t from = b.body.find_first_not_of(" \t\n\r\v\f");
        size_t to = b.body.find_last_not_of(" \t\n\r\v\f");
        d.Set(
            Value("block_contents"),
            Value(from == std::string::npos ? std::string() : b.body.substr(from, to - from + 1)));
        m_.docs.Set(Value(id), Value(std::move(d)));
      }
      if (!error.empty())
        Error(Code::kDbtJinja, Display(pkg, rel), pos, "Compilation Error in docs file: " + error);
    }
  }
}

Value Parser::DocRender(const Package& pkg, const Value& text) {
  return RenderDescription(project_, session_, pkg, text, diags());
}

// The docs blocks a description uses: each `{{ doc('name') }}` (or doc('package', 'name')) that
// stands alone in an output, as dbt's _get_doc_blocks finds them.
Value Parser::DocBlocks(const Package& pkg, const Value& text) const {
  List ids;
  if (!text.is_string() || text.as_string().find("doc") == std::string::npos)
    return Value(std::move(ids));
  try {
    jinja::Template tpl = jinja::Parse(text.as_string(), "description");
    for (const auto& stmt : tpl.body) {
      if (stmt->kind != jinja::Stmt::Kind::kPrint || !stmt->expr)
        continue;
      const jinja::Expr& call = *stmt->expr;
      if (call.kind != jinja::Expr::Kind::kCall || !call.target ||
          call.target->kind != jinja::Expr::Kind::kName || call.target->name != "doc")
        continue;
      std::vector<std::string> args;
      for (const auto& a : call.call.positional) {
        if (a->kind == jinja::Expr::Kind::kLiteral)
          args.push_back(a->value.Str());
      }
      if (args.empty() || args.size() > 2)
        continue;
      const Value* d = args.size() == 1 ? FindDocBlock(m_, pkg.name, args[0])
                                        : FindDocBlock(m_, args[0], args[1]);
      if (d != nullptr)
        ids.push_back(*d->as_dict().FindKey("unique_id"));
    }
  } catch (const jinja::TemplateError&) {
  }
  return Value(std::move(ids));
}

std::vector<Parser::PropertiesFile> Parser::ReadPropertiesFiles(const Project& project) {
  std::vector<PropertiesFile> out;
  for (const auto& pkg : project.packages) {
    std::vector<std::string> dirs = pkg->model_paths;
    for (const auto* v : {&pkg->seed_paths, &pkg->snapshot_paths, &pkg->analysis_paths,
                          &pkg->macro_paths, &pkg->test_paths})
      dirs.insert(dirs.end(), v->begin(), v->end());
    std::set<std::string> seen;
    for (const std::string& dir : dirs) {
      for (const std::string& f : FilesUnder(pkg->dir + "/" + dir, {".yml", ".yaml"})) {
        std::string rel = JoinPath(dir, f);
        if (!seen.insert(rel).second)
          continue;
        PropertiesFile& file = out.emplace_back();
        file.package = pkg.get();
        file.rel = rel;
        file.dir = dir;
        file.read = ReadFile(pkg->dir + "/" + rel, file.text, file.read_diags);
        if (!file.read)
          continue;
        file.parsed = ParseYaml(file.text, file.doc, file.yaml_diags);
        if (file.parsed && file.doc.root.is_map()) {
          file.values.reserve(file.doc.root.entries.size());
          for (const auto& e : file.doc.root.entries)
            file.values.push_back(FromYaml(e.value));
        }
      }
    }
  }
  return out;
}

void Parser::LoadProperties(PropertiesFile& file) {
  const Package& pkg = *file.package;
  const std::string& rel = file.rel;
  const std::string& dir = file.dir;
  const std::string& text = file.text;
  const Document& doc = file.doc;
  diags().Append(file.read_diags);
  if (!file.read)
    return;
  if (!file.parsed) {
    for (Diagnostic d : file.yaml_diags.items()) {
      d.code = Code::kDbtYaml;
      d.location.file = Display(pkg, rel);
      diags().Add(d);
    }
    return;
  }
  if (!doc.root.is_map())
    return;
  std::string file_checksum;
  for (size_t entry = 0; entry < doc.root.entries.size(); ++entry) {
    const auto& e = doc.root.entries[entry];
    Value& value = file.values[entry];
    const std::string& key = e.key;
    if (key == "models" || key == "seeds" || key == "snapshots" || key == "analyses" ||
        key == "macros" || key == "data_tests") {
      if (!e.value.is_list()) {
        Error(Code::kDbtYaml, Display(pkg, rel), {e.key_mark.line, e.key_mark.column},
              "`" + key + "` must be a list");
        continue;
      }
      for (size_t k = 0; k < e.value.items.size(); ++k) {
        const floe::Node& item = e.value.items[k];
        std::string name = item.GetString("name");
        if (name.empty()) {
          Error(Code::kDbtYaml, Display(pkg, rel), {item.mark.line, item.mark.column},
                "an entry of `" + key + "` has no name");
          continue;
        }
        // A YAML snapshot's checksum is its file's: hashed once per file, when needed.
        if (key == "snapshots" && file_checksum.empty())
          file_checksum = Sha256Hex(PyStrip(text));
        patches_.push_back({&pkg, rel, key, std::move(value.as_list()[k]), item.mark,
                            key == "snapshots" ? file_checksum : std::string(), dir});
      }
    } else if (key == "sources") {
      // Where a source lives may be Jinja (`schema: "{{ target.schema }}"`); descriptions
      // are rendered later with doc(), tests when they compile.
      Value sources = std::move(value);
      Diagnostics local;
      auto render = [&](Dict& d) {
        for (const char* k : {"database", "schema", "identifier", "loader", "loaded_at_field"}) {
          if (const Value* v = d.FindKey(k); v && v->is_string())
            d.Set(Value(k), RenderYamlValue(*v, session_.base, Display(pkg, rel), local));
        }
      };
      if (sources.is_list()) {
        for (const Value& src : sources.as_list()) {
          if (!src.is_dict())
            continue;
          render(src.as_dict());
          if (const Value* tables = src.as_dict().FindKey("tables"); tables && tables->is_list()) {
            for (const Value& t : tables->as_list()) {
              if (t.is_dict())
                render(t.as_dict());
            }
          }
        }
      }
      diags().Append(local);
      AddSources(pkg, rel, sources);
    } else if (key == "version") {
      continue;
    } else {
      // exposures, groups, semantic_models, metrics, saved_queries, unit_tests
      yaml_resources_.push_back({&pkg, key, rel, dir, std::move(value)});
    }
  }
}

Parser::SourceCode Parser::PrepareCode(const std::string& raw) {
  SourceCode c;
  c.stripped = PyStrip(raw);
  c.checksum = Sha256Hex(c.stripped);
  // raw_code starts where the stripped text starts: keep its line for diagnostics.
  size_t lead = raw.find(c.stripped.empty() ? std::string() : c.stripped.substr(0, 1));
  for (size_t i = 0; i < lead && i < raw.size(); ++i)
    c.first_line += raw[i] == '\n' ? 1 : 0;
  return c;
}

Node* Parser::NewNode(const Package& pkg, const std::string& type, const std::string& name,
                      const std::string& rel_in_path, const std::string& original,
                      std::string raw) {
  return NewNode(pkg, type, name, rel_in_path, original, PrepareCode(raw));
}

Node* Parser::NewNode(const Package& pkg, const std::string& type, const std::string& name,
                      const std::string& rel_in_path, const std::string& original,
                      SourceCode code) {
  auto n = std::make_unique<Node>();
  n->resource_type = type;
  n->name = name;
  n->package = pkg.name;
  n->path = rel_in_path;
  n->original_file_path = original;
  n->raw_code = std::move(code.stripped);
  n->checksum = code.checksum;
  n->unique_id = type + "." + pkg.name + "." + name;
  n->pos = {Display(pkg, original), code.first_line, 1};
  n->data = Value(Dict());
  n->config_call = Value(Dict());
  Node* raw_ptr = n.get();
  m_.nodes.push_back(std::move(n));
  return raw_ptr;
}

static bool IsPythonFile(const std::string& f) {
  return f.size() > 3 && f.compare(f.size() - 3, 3, ".py") == 0;
}

std::vector<Parser::ModelFolder> Parser::ReadModelFiles(const Package& pkg) {
  std::vector<ModelFolder> folders;
  for (const std::string& dir : pkg.model_paths) {
    ModelFolder& folder = folders.emplace_back();
    folder.dir = dir;
    for (std::string& f : FilesUnder(pkg.dir + "/" + dir, {".sql", ".py"}))
      folder.files.push_back({std::move(f), {}, false, {}});
    ParallelFor(folder.files.size(), [&](size_t i) {
      ModelFile& file = folder.files[i];
      if (IsPythonFile(file.name))
        return;
      std::string text;
      file.ok = ReadFile(pkg.dir + "/" + JoinPath(dir, file.name), text, file.diagnostics);
      if (file.ok)
        file.code = PrepareCode(text);
    });
  }
  return folders;
}

void Parser::LoadSqlNodes(const Package& pkg, std::vector<ModelFolder>& models) {
  auto read = [&](const std::string& rel, std::string& text) {
    return ReadFile(pkg.dir + "/" + rel, text, diags());
  };
  // Model files were read and hashed on every core; the nodes are made in file order.
  for (ModelFolder& folder : models) {
    for (ModelFile& file : folder.files) {
      const std::string& f = file.name;
      std::string rel = JoinPath(folder.dir, f);
      if (IsPythonFile(f)) {
        Error(Code::kDbtPythonModel, Display(pkg, rel), {1, 1},
              "Python model '" + Stem(f) + "' cannot run: floe runs SQL models only",
              "rewrite the model in SQL, or run it outside floe");
        continue;
      }
      diags().Append(file.diagnostics);
      if (!file.ok)
        continue;
      Node* n = NewNode(pkg, "model", Stem(f), f, rel, std::move(file.code));
      n->fqn.push_back(pkg.name);
      for (const std::string& d : DirsOf(f))
        n->fqn.push_back(d);
      n->fqn.push_back(n->name);
    }
  }
  for (const std::string& dir : pkg.seed_paths) {
    for (const std::string& f : FilesUnder(pkg.dir + "/" + dir, {".csv"})) {
      std::string rel = JoinPath(dir, f);
      std::string text;
      if (!read(rel, text))
        continue;
      Node* n = NewNode(pkg, "seed", Stem(f), f, rel, "");
      n->fqn.push_back(pkg.name);
      for (const std::string& d : DirsOf(f))
        n->fqn.push_back(d);
      n->fqn.push_back(n->name);
      n->raw_code = "";
      n->checksum = Sha256Hex(PyStrip(text));
    }
  }
  for (const std::string& dir : pkg.analysis_paths) {
    for (const std::string& f : FilesUnder(pkg.dir + "/" + dir, {".sql"})) {
      std::string rel = JoinPath(dir, f);
      std::string text;
      if (!read(rel, text))
        continue;
      Node* n = NewNode(pkg, "analysis", Stem(f), JoinPath("analysis", f), rel, text);
      n->fqn.push_back(pkg.name);
      n->fqn.emplace_back("analysis");
      for (const std::string& d : DirsOf(f))
        n->fqn.push_back(d);
      n->fqn.push_back(n->name);
    }
  }
  for (const std::string& dir : pkg.test_paths) {
    for (const std::string& f : FilesUnder(pkg.dir + "/" + dir, {".sql"})) {
      if (f.rfind("generic/", 0) == 0)
        continue;
      std::string rel = JoinPath(dir, f);
      std::string text;
      if (!read(rel, text))
        continue;
      Node* n = NewNode(pkg, "test", Stem(f), f, rel, text);
      n->fqn.push_back(pkg.name);
      for (const std::string& d : DirsOf(f))
        n->fqn.push_back(d);
      n->fqn.push_back(n->name);
    }
  }
  for (const std::string& dir : pkg.snapshot_paths) {
    for (const std::string& f : FilesUnder(pkg.dir + "/" + dir, {".sql"})) {
      std::string rel = JoinPath(dir, f);
      std::string text;
      if (!read(rel, text))
        continue;
      std::string error;
      jinja::Position pos;
      for (const Block& b : SplitBlocks(text, {"snapshot"}, &error, &pos)) {
        Node* n = NewNode(pkg, "snapshot", b.name, f, rel, b.body);
        n->raw_code = b.body;  // a snapshot block's code is kept as written
        n->checksum = Sha256Hex(PyStrip(text));
        n->fqn.push_back(pkg.name);
        for (const std::string& d : DirsOf(f))
          n->fqn.push_back(d);
        n->fqn.push_back(Stem(f));
        n->fqn.push_back(b.name);
        n->pos = {Display(pkg, rel), b.body_start.line, b.body_start.column};
        n->data.as_dict().Set(Value("_origin_line"),
                              Value(static_cast<int64_t>(b.body_start.line)));
        n->data.as_dict().Set(Value("_origin_col"),
                              Value(static_cast<int64_t>(b.body_start.column)));
      }
      if (!error.empty())
        Error(Code::kDbtJinja, Display(pkg, rel), pos, "Compilation Error in snapshot: " + error);
    }
  }
}

void Parser::AddSources(const Package& pkg, const std::string& file, const Value& sources) {
  if (!sources.is_list())
    return;
  for (const Value& src : sources.as_list()) {
    if (!src.is_dict())
      continue;
    const Dict& s = src.as_dict();
    std::string source_name = s.FindKey("name") ? s.FindKey("name")->Str() : "";
    const Value* tables = s.FindKey("tables");
    if (source_name.empty() || tables == nullptr || !tables->is_list())
      continue;
    for (const Value& t : tables->as_list()) {
      if (!t.is_dict())
        continue;
      const Dict& td = t.as_dict();
      std::string table = td.FindKey("name") ? td.FindKey("name")->Str() : "";
      auto n = std::make_unique<Node>();
      n->resource_type = "source";
      n->name = table;
      n->package = pkg.name;
      n->original_file_path = file;
      n->path = file;
      n->unique_id = "source." + pkg.name + "." + source_name + "." + table;
      n->fqn.push_back(pkg.name);
      std::string rel_dir =
          file.substr(file.find('/') == std::string::npos ? 0 : file.find('/') + 1);
      for (const std::string& d : DirsOf(rel_dir))
        n->fqn.push_back(d);
      n->fqn.push_back(source_name);
      n->fqn.push_back(table);
      n->pos = {Display(pkg, file), 1, 1};
      Dict d;
      auto get = [&](const Dict& dict, const char* key) -> Value {
        const Value* v = dict.FindKey(key);
        return v ? *v : None();
      };
      auto pick = [&](const char* key) -> Value {
        Value v = get(td, key);
        return v.is_none() ? get(s, key) : v;
      };
      Value database = get(s, "database");
      Value schema = get(s, "schema");
      Value identifier = get(td, "identifier");
      std::string db = database.is_none() ? project_.target.database() : database.Str();
      std::string sch = schema.is_none() ? source_name : schema.Str();
      std::string ident = identifier.is_none() ? table : identifier.Str();
      d.Set(Value("database"), Value(db));
      d.Set(Value("schema"), Value(sch));
      d.Set(Value("name"), Value(table));
      d.Set(Value("resource_type"), Value("source"));
      d.Set(Value("package_name"), Value(pkg.name));
      d.Set(Value("path"), Value(file));
      d.Set(Value("original_file_path"), Value(file));
      d.Set(Value("unique_id"), Value(n->unique_id));
      List fqn;
      for (const std::string& f : n->fqn)
        fqn.emplace_back(f);
      d.Set(Value("fqn"), Value(fqn));
      d.Set(Value("source_name"), Value(source_name));
      d.Set(Value("source_description"),
            DocRender(pkg, get(s, "description").is_none() ? Value("") : get(s, "description")));
      d.Set(Value("loader"), get(s, "loader").is_none() ? Value("") : get(s, "loader"));
      d.Set(Value("identifier"), Value(ident));
      Dict quoting;
      Value q1 = get(s, "quoting");
      Value q2 = get(td, "quoting");
      for (const Value* q : {&q1, &q2}) {
        if (q->is_dict()) {
          for (const auto& [k, v] : q->as_dict().entries())
            quoting.Set(k, v);
        }
      }
      Dict quote_out;
      for (const char* k : {"database", "schema", "identifier", "column"}) {
        const Value* v = quoting.FindKey(k);
        quote_out.Set(Value(k), v ? *v : None());
      }
      d.Set(Value("quoting"), Value(std::move(quote_out)));
      d.Set(Value("loaded_at_field"), pick("loaded_at_field"));
      d.Set(Value("loaded_at_query"), pick("loaded_at_query"));
      d.Set(Value("freshness"), pick("freshness"));
      d.Set(Value("external"), get(td, "external"));
      d.Set(Value("description"),
            DocRender(pkg, get(td, "description").is_none() ? Value("") : get(td, "description")));
      Dict columns;
      if (const Value* cols = td.FindKey("columns"); cols && cols->is_list()) {
        for (const Value& c : cols->as_list()) {
          if (!c.is_dict() || !c.as_dict().FindKey("name"))
            continue;
          std::string cname = c.as_dict().FindKey("name")->Str();
          Dict cd;
          cd.Set(Value("name"), Value(cname));
          Value desc = get(c.as_dict(), "description");
          cd.Set(Value("description"), DocRender(pkg, desc.is_none() ? Value("") : desc));
          Value meta = get(c.as_dict(), "meta");
          cd.Set(Value("meta"), meta.is_dict() ? meta : Value(Dict()));
          cd.Set(Value("data_type"), get(c.as_dict(), "data_type"));
          cd.Set(Value("constraints"), Value(List{}));
          cd.Set(Value("quote"), get(c.as_dict(), "quote"));
          Dict ccfg;
          ccfg.Set(Value("meta"), meta.is_dict() ? meta : Value(Dict()));
          Value ctags = get(c.as_dict(), "tags");
          ccfg.Set(Value("tags"), ctags.is_list() ? ctags : Value(List{}));
          cd.Set(Value("config"), Value(std::move(ccfg)));
          cd.Set(Value("tags"), ctags.is_list() ? ctags : Value(List{}));
          cd.Set(Value("granularity"), None());
          cd.Set(Value("doc_blocks"), DocBlocks(pkg, desc));
          columns.Set(Value(cname), Value(std::move(cd)));
        }
      }
      d.Set(Value("columns"), Value(std::move(columns)));
      Value meta = get(td, "meta");
      d.Set(Value("meta"), meta.is_dict() ? meta : Value(Dict()));
      Value smeta = get(s, "meta");
      d.Set(Value("source_meta"), smeta.is_dict() ? smeta : Value(Dict()));
      // Config: dbt_project.yml `sources:` tree, then the YAML config.
      Dict config;
      config.Set(Value("enabled"), Value(true));
      config.Set(Value("event_time"), None());
      config.Set(Value("freshness"), pick("freshness"));
      config.Set(Value("loaded_at_field"), pick("loaded_at_field"));
      config.Set(Value("loaded_at_query"), pick("loaded_at_query"));
      config.Set(Value("meta"), Value(Dict()));
      config.Set(Value("tags"), Value(List{}));
      config.Set(Value("static_analysis"), None());
      Value project_freshness = None();
      Dict unrendered;  // as written: the project's sources: tree, then the YAML's precedence
      for (const auto& p : project_.packages) {
        if (!p->root && p->name != pkg.name)
          continue;
        if (const Value* tree = p->configs.FindKey("sources")) {
          Dict tmp;
          ApplyTree(*tree, n->fqn, tmp, &unrendered);
          for (const auto& [k, v] : tmp.entries())
            MergeConfig(config, k.Str(), v);
          if (const Value* f = tmp.FindKey("freshness"))
            project_freshness = *f;
        }
      }
      Value scfg = get(s, "config");
      Value tcfg = get(td, "config");
      for (const Value* cfg : {&scfg, &tcfg}) {
        if (cfg->is_dict()) {
          for (const auto& [k, v] : cfg->as_dict().entries())
            MergeConfig(config, k.Str(), v);
        }
      }
      Value enabled_v = *config.FindKey("enabled");
      n->enabled = enabled_v.Truthy();
      // Freshness: the source's, its config's, the table's and its config's merged as dbt
      // does; when none says anything, the project's.
      bool said = false;
      Value freshness = SourceFreshness(s, td, &said);
      config.Set(Value("freshness"),
                 said || project_freshness.is_none() ? freshness : project_freshness);
      d.Set(Value("freshness"), *config.FindKey("freshness"));
      // Tags: the sorted union of the source's and the table's (top level and config), which
      // replaces whatever the project's `sources:` tree set (dbt's clobbering SourceConfig).
      List tags = TagsOf(s, true);
      for (const Value& x : TagsOf(td, true))
        tags.push_back(x);
      tags = SortedUnique(tags);
      config.Set(Value("tags"), Value(tags));
      d.Set(Value("tags"), Value(tags));
      d.Set(Value("config"), Value(std::move(config)));
      d.Set(Value("patch_path"), None());
      for (const Value* cfg : {&scfg, &tcfg}) {
        if (cfg->is_dict()) {
          for (const auto& [k, v] : cfg->as_dict().entries())
            unrendered.Set(k, v);
        }
      }
      if (said)
        unrendered.Set(Value("freshness"), freshness);
      else
        unrendered.Erase(Value("freshness"));
      const Dict& final_config = d.FindKey("config")->as_dict();  // `config` was moved there
      for (const char* k : {"loaded_at_field", "loaded_at_query", "meta", "tags"})
        unrendered.Set(Value(k), *final_config.FindKey(k));
      d.Set(Value("unrendered_config"), Value(std::move(unrendered)));
      // The project's quoting, then the source's and the table's over it.
      Dict policy;
      if (project_.root().quoting.is_dict()) {
        for (const auto& [k, v] : project_.root().quoting.as_dict().entries()) {
          if (v.is_bool())
            policy.Set(k, v);
        }
      }
      for (const auto& [k, v] : quoting.entries()) {
        if (!v.is_none())
          policy.Set(k, v);
      }
      d.Set(Value("relation_name"), Value(RenderRelationName(db, sch, ident, Value(policy))));
      n->data = Value(std::move(d));
      n->config = &n->data.as_dict().Find(Value("config"))->as_dict();
      // Keep the raw YAML for generic tests.
      n->data.as_dict().Set(Value("_tests_source"), src);
      n->data.as_dict().Set(Value("_tests_table"), t);
      (n->enabled ? m_.nodes : m_.disabled).push_back(std::move(n));
    }
  }
}

// The deepest level of a dbt_project.yml config tree that ApplyTree visits for `fqn`: what it
// applies depends only on that level (the levels above it are its path from the root).
const Value* TreeLevel(const Value& tree, const std::vector<std::string>& fqn) {
  const Value* level = &tree;
  for (size_t depth = 0; depth < fqn.size(); ++depth) {
    const Value* next = level->as_dict().FindKey(fqn[depth]);
    if (next == nullptr || !next->is_dict())
      break;
    level = next;
  }
  return level;
}

// Everything ResolveConfig reads, as text: the node's type and package, the config tree levels
// that apply to its fqn, its YAML config and its config() calls. False when it cannot be told.
bool Parser::ConfigKey(const Node& n, const Value* yaml_config, std::string* key) const {
  *key = n.resource_type;
  *key += '\0';
  *key += n.package;
  *key += '\0';
  std::string tree_key = TreeKey(n.resource_type);
  const Package* own = project_.FindPackage(n.package);
  for (const Package* p : {own, &project_.root()}) {
    if (p == nullptr || (p == own && p->root && p != &project_.root()))
      continue;
    const Value* tree = p->configs.FindKey(tree_key);
    const void* level = tree != nullptr && tree->is_dict() ? TreeLevel(*tree, n.fqn) : nullptr;
    key->append(reinterpret_cast<const char*>(&level), sizeof level);
    if (p == &project_.root() && own == &project_.root())
      break;
  }
  bool generic_test = n.resource_type == "test" && n.data.as_dict().FindKey("test_metadata");
  *key += generic_test ? 'g' : '-';
  for (const Value* v : {yaml_config, &n.config_call, &n.config_call_written}) {
    *key += '\0';
    if (v != nullptr && !jinja::CanonicalText(*v, *key))
      return false;
  }
  return true;
}

void Parser::ResolveConfig(Node& n, const Value* yaml_config) {
  std::string cache_key;
  bool cacheable = ConfigKey(n, yaml_config, &cache_key);
  if (cacheable) {
    std::lock_guard<std::mutex> lock(config_cache_mutex_);
    auto it = config_cache_.find(cache_key);
    if (it != config_cache_.end()) {
      n.data.as_dict().Set(Value("config"), it->second.config);
      n.data.as_dict().Set(Value("unrendered_config"), it->second.unrendered);
      n.config = &n.data.as_dict().Find(Value("config"))->as_dict();
      const Value* enabled = n.config->FindKey("enabled");
      n.enabled = enabled == nullptr || enabled->Truthy();
      return;
    }
  }
  Dict config = DefaultConfig(n.resource_type == "analysis" ? "model" : n.resource_type);
  if (n.resource_type == "analysis") {
    config.Erase(Value("access"));
    config.Erase(Value("freshness"));
  }
  Dict unrendered;
  std::string key = TreeKey(n.resource_type);
  // The package's own dbt_project.yml, then the root project's (which wins).
  const Package* own = project_.FindPackage(n.package);
  for (const Package* p : {own, &project_.root()}) {
    if (p == nullptr || (p == own && p->root && p != &project_.root()))
      continue;
    if (const Value* tree = p->configs.FindKey(key)) {
      Dict from_tree;
      ApplyTree(*tree, n.fqn, from_tree, &unrendered);
      for (const auto& [k, v] : from_tree.entries())
        MergeConfig(config, k.Str(), v);
    }
    if (p == &project_.root() && own == &project_.root())
      break;
  }
  if (yaml_config != nullptr && yaml_config->is_dict()) {
    for (const auto& [k, v] : yaml_config->as_dict().entries()) {
      MergeConfig(config, k.Str(), v);
      unrendered.Set(k, v);
    }
  }
  if (n.config_call.is_dict()) {
    for (const auto& [k, v] : n.config_call.as_dict().entries())
      MergeConfig(config, k.Str(), v);
    // a generic test's builder config and its rendered config() call add up (tags twice)
    bool generic_test = n.resource_type == "test" && n.data.as_dict().FindKey("test_metadata");
    const Value& written =
        n.config_call_written.is_dict() && !generic_test ? n.config_call_written : n.config_call;
    for (const auto& [k, v] : written.as_dict().entries())
      unrendered.Set(k, v);
  }
  // Rendered forms: hooks become {sql, transaction, index}; enabled may be a rendered string.
  for (const char* hook : {"pre-hook", "post-hook"}) {
    if (const Value* h = config.FindKey(hook))
      config.Set(Value(hook), Value(Hooks(*h)));
  }
  // Configs may hold Jinja ("{{ var('x') }}"); hooks stay as written (they render when they run).
  Diagnostics local;
  bool hooks = config.FindKey("pre-hook") || config.FindKey("post-hook");  // tests have none
  Value pre = config.FindKey("pre-hook") ? *config.FindKey("pre-hook") : Value(List{});
  Value post = config.FindKey("post-hook") ? *config.FindKey("post-hook") : Value(List{});
  if (hooks) {
    config.Set(Value("pre-hook"), Value(List{}));
    config.Set(Value("post-hook"), Value(List{}));
  }
  Value cfg = RenderYamlValue(Value(std::move(config)), session_.base, n.pos.path, local);
  if (hooks) {
    cfg.as_dict().Set(Value("pre-hook"), pre);
    cfg.as_dict().Set(Value("post-hook"), post);
  }
  bool failed = !local.empty();
  diags().Append(local);
  Value unrendered_value(std::move(unrendered));
  if (cacheable && !failed) {
    std::lock_guard<std::mutex> lock(config_cache_mutex_);
    cfg = config_interner_.Intern(cfg);
    unrendered_value = config_interner_.Intern(unrendered_value);
    config_cache_.emplace(std::move(cache_key), ResolvedConfig{cfg, unrendered_value});
  }
  n.data.as_dict().Set(Value("config"), cfg);
  n.data.as_dict().Set(Value("unrendered_config"), unrendered_value);
  n.config = &n.data.as_dict().Find(Value("config"))->as_dict();
  const Value* enabled = n.config->FindKey("enabled");
  n.enabled = enabled == nullptr || enabled->Truthy();
}

std::string Parser::Schema(Node& n, const Value& custom) {
  std::string base = project_.target.schema();
  if (session_.macros->HasOverride("generate_schema_name")) {
    try {
      Value v = CallMacro(session_, n, "generate_schema_name", {custom, n.data});
      std::string s = v.Str();
      auto b = s.find_first_not_of(" \t\r\n");
      auto e = s.find_last_not_of(" \t\r\n");
      return b == std::string::npos ? "" : s.substr(b, e - b + 1);
    } catch (const CompilationError& e) {
      Error(Code::kDbtCompilation, n.pos.path, {}, e.message);
    } catch (const jinja::TemplateError& e) {
      Error(Code::kDbtJinja, n.pos.path, e.pos, e.message);
    }
    return base;
  }
  if (custom.is_none() || custom.is_undefined())
    return base;
  std::string c = custom.Str();
  auto b = c.find_first_not_of(" \t\r\n");
  auto e = c.find_last_not_of(" \t\r\n");
  c = b == std::string::npos ? "" : c.substr(b, e - b + 1);
  return base + "_" + c;
}

std::string Parser::Alias(Node& n, const Value& custom) {
  if (session_.macros->HasOverride("generate_alias_name")) {
    try {
      Value v = CallMacro(session_, n, "generate_alias_name", {custom, n.data});
      std::string s = v.Str();
      auto b = s.find_first_not_of(" \t\r\n");
      auto e = s.find_last_not_of(" \t\r\n");
      return b == std::string::npos ? "" : s.substr(b, e - b + 1);
    } catch (const CompilationError& e) {
      Error(Code::kDbtCompilation, n.pos.path, {}, e.message);
    } catch (const jinja::TemplateError& e) {
      Error(Code::kDbtJinja, n.pos.path, e.pos, e.message);
    }
  }
  if (!custom.is_none() && !custom.is_undefined())
    return custom.Str();
  const Value* version = n.data.as_dict().FindKey("version");
  if (version != nullptr && !version->is_none()) {
    std::string v = version->Str();
    std::replace(v.begin(), v.end(), '.', '_');
    return n.name + "_v" + v;
  }
  return n.name;
}

// For "'x' is undefined": the closest macro names, and what to check.
}  // namespace

std::string UndefinedHint(const Manifest& manifest, const std::string& message) {
  static const std::regex kUndefined("'([A-Za-z_][A-Za-z0-9_]*)' is undefined");
  std::smatch m;
  if (!std::regex_search(message, m, kUndefined))
    return {};
  std::vector<std::string> names;
  for (const auto& mac : manifest.macros) {
    if (mac->name.rfind("default__", 0) != 0 && mac->name.rfind("duckdb__", 0) != 0)
      names.push_back(mac->name);
  }
  std::vector<std::string> close = ClosestMatches(m[1].str(), names, 1);
  std::string hint = "no macro or variable of that name exists";
  if (!close.empty())
    hint = "did you mean `" + close[0] + "`? No macro or variable `" + m[1].str() + "` exists";
  return hint + " (a package's macro needs the package in packages.yml)";
}

namespace {

// A models: entry with `versions:` turns model files into versioned nodes: each version's file
// (defined_in, or <name>_v<v>, or <name> for the latest) becomes model.<pkg>.<name>.v<v> named
// <name>, with fqn [..., <name>, v<v>], patched by the model's properties merged with the
// version's (columns filtered by include/exclude).
void Parser::ApplyVersions() {
  for (const Patch& p : patches_) {
    if (p.yaml_key != "models")
      continue;
    const Dict& e = p.entry.as_dict();
    const Value* versions = e.FindKey("versions");
    if (versions == nullptr || !versions->is_list() || versions->as_list().empty())
      continue;
    std::string name = e.FindKey("name")->Str();
    Value latest = e.FindKey("latest_version") ? *e.FindKey("latest_version") : Value::MakeNone();
    if (latest.is_none()) {
      for (const Value& v : versions->as_list()) {
        const Value* num = v.is_dict() ? v.as_dict().FindKey("v") : nullptr;
        bool ok = true;
        if (num && (latest.is_none() || latest.Less(*num, &ok)))
          latest = *num;
      }
    }
    for (const Value& v : versions->as_list()) {
      if (!v.is_dict() || !v.as_dict().FindKey("v"))
        continue;
      const Dict& vd = v.as_dict();
      Value num = *vd.FindKey("v");
      std::string vs = num.Str();
      std::string file =
          vd.FindKey("defined_in") ? vd.FindKey("defined_in")->Str() : name + "_v" + vs;
      Node* node = nullptr;
      for (const auto& n : m_.nodes) {
        if (n->resource_type == "model" && n->package == p.package->name && n->name == file)
          node = n.get();
      }
      if (node == nullptr && latest.Str() == vs) {
        for (const auto& n : m_.nodes) {
          if (n->resource_type == "model" && n->package == p.package->name && n->name == name)
            node = n.get();
        }
      }
      if (node == nullptr) {
        Error(Code::kDbtYaml, Display(*p.package, p.file), {p.mark.line, p.mark.column},
              "version " + vs + " of model '" + name + "' has no file: expected " + file +
                  ".sql (or set `defined_in:`)");
        continue;
      }
      node->name = name;
      node->unique_id = "model." + node->package + "." + name + ".v" + vs;
      node->fqn.back() = name;
      node->fqn.push_back("v" + vs);
      node->data.as_dict().Set(Value("version"), num);
      node->data.as_dict().Set(Value("latest_version"), latest);
      // The version's patch: the model's properties, then the version's own.
      Dict merged;
      for (const auto& [k, x] : e.entries()) {
        std::string key = k.Str();
        if (key != "versions" && key != "latest_version")
          merged.Set(k, x);
      }
      for (const auto& [k, x] : vd.entries()) {
        std::string key = k.Str();
        if (key == "v" || key == "defined_in" || key == "columns")
          continue;
        if (key == "config" && x.is_dict() && merged.FindKey("config") &&
            merged.FindKey("config")->is_dict()) {
          Dict cfg = merged.FindKey("config")->as_dict();
          for (const auto& [ck, cv] : x.as_dict().entries())
            cfg.Set(ck, cv);
          merged.Set(Value("config"), Value(std::move(cfg)));
          continue;
        }
        merged.Set(k, x);
      }
      // Columns: the model's, filtered by the version's include/exclude, then the version's.
      List columns;
      const Value* own = vd.FindKey("columns");
      const Value* base = e.FindKey("columns");
      Value include = Value::MakeNone(), exclude = Value::MakeNone();
      List own_columns;
      if (own && own->is_list()) {
        for (const Value& c : own->as_list()) {
          if (c.is_dict() && (c.as_dict().FindKey("include") || c.as_dict().FindKey("exclude"))) {
            if (c.as_dict().FindKey("include"))
              include = *c.as_dict().FindKey("include");
            if (c.as_dict().FindKey("exclude"))
              exclude = *c.as_dict().FindKey("exclude");
          } else {
            own_columns.push_back(c);
          }
        }
      }
      auto listed = [](const Value& list, const std::string& col) {
        if (list.is_string())
          return list.as_string() == "*" || list.as_string() == "all";
        if (!list.is_list())
          return false;
        for (const Value& x : list.as_list()) {
          if (x.Str() == col)
            return true;
        }
        return false;
      };
      if (base && base->is_list()) {
        for (const Value& c : base->as_list()) {
          std::string col =
              c.is_dict() && c.as_dict().FindKey("name") ? c.as_dict().FindKey("name")->Str() : "";
          bool overridden = false;
          for (const Value& o : own_columns)
            overridden = overridden || (o.is_dict() && o.as_dict().FindKey("name") &&
                                        o.as_dict().FindKey("name")->Str() == col);
          if (overridden)
            continue;
          bool keep = include.is_none() || listed(include, col);
          if (!exclude.is_none() && listed(exclude, col))
            keep = false;
          if (keep)
            columns.push_back(c);
        }
      }
      for (const Value& o : own_columns)
        columns.push_back(o);
      merged.Set(Value("columns"), Value(columns));
      auto patch = std::make_unique<Patch>(
          Patch{p.package, p.file, p.yaml_key, Value(std::move(merged)), p.mark, "", p.dir});
      patch_by_key_[PatchKey(*node)] = patch.get();
      version_patches_.push_back(std::move(patch));
    }
    patch_by_key_.erase(p.package->name + ":model:" + name);
  }
}

// A snapshots: entry with `relation:` defines a snapshot (dbt 1.9+): its code selects everything
// from the relation; the same entry then patches it like any properties entry.
void Parser::AddYamlSnapshots() {
  for (const Patch& p : patches_) {
    if (p.yaml_key != "snapshots")
      continue;
    const Dict& e = p.entry.as_dict();
    const Value* relation = e.FindKey("relation");
    if (relation == nullptr || !relation->is_string())
      continue;
    std::string name = e.FindKey("name")->Str();
    std::string in_dir = p.file.size() > p.dir.size() + 1 && p.file.rfind(p.dir + "/", 0) == 0
                             ? p.file.substr(p.dir.size() + 1)
                             : p.file;
    Node* n = NewNode(*p.package, "snapshot", name, in_dir + "/" + name + ".sql", p.file,
                      "select * from {{ " + relation->Str() + " }}");
    n->checksum = p.file_checksum;
    n->fqn.push_back(p.package->name);
    for (const std::string& d : DirsOf(in_dir))
      n->fqn.push_back(d);
    n->fqn.push_back(name);
    n->pos = {Display(*p.package, p.file), p.mark.line, p.mark.column};
  }
}

// on-run-start / on-run-end: each hook of each project is an operation node
// `<project>-on-run-start-<i>`, configured by the models: tree and compiled like a model.
void Parser::AddOperations() {
  for (const auto& pkg : project_.packages) {
    const std::string& checksum = pkg->project_checksum;
    for (const auto& [kind, hooks] :
         {std::pair<std::string, const Value*>{"on-run-start", &pkg->on_run_start},
          {"on-run-end", &pkg->on_run_end}}) {
      if (!hooks->is_list())
        continue;
      int64_t index = 0;
      for (const Value& hook : hooks->as_list()) {
        std::string name = pkg->name + "-" + kind + "-" + std::to_string(index);
        Node* n = NewNode(*pkg, "operation", name, "hooks/" + name + ".sql", "./dbt_project.yml",
                          hook.Str());
        n->raw_code = hook.Str();  // as written: hooks are not stripped as files are
        n->checksum = checksum;
        n->fqn = {pkg->name, "hooks", name};
        n->pos = {Display(*pkg, "dbt_project.yml"), 1, 1};
        n->data.as_dict().Set(Value("index"), Value(index));
        n->data.as_dict().Set(Value("_hook_kind"), Value(kind));
        ++index;
      }
    }
  }
}

void Parser::ParseRender(Node& n) {
  if (n.resource_type == "seed" || n.resource_type == "source")
    return;
  try {
    jinja::Position origin;
    if (const Value* l = n.data.as_dict().FindKey("_origin_line"))
      origin = {static_cast<uint32_t>(l->as_int()),
                static_cast<uint32_t>(n.data.as_dict().FindKey("_origin_col")->as_int())};
    if (!n.tpl) {
      bool generic_test = n.resource_type == "test" && n.data.as_dict().FindKey("test_metadata");
      n.tpl = generic_test  // generic tests share a few texts: parsed once
                  ? session_.SharedTemplate(n.raw_code, n.pos.path)
                  : std::make_shared<jinja::Template>(jinja::Parse(n.raw_code, n.pos.path, origin));
    }
    if (!n.refs_known)
      RenderNode(session_, n, Phase::kParse);
  } catch (const jinja::TemplateError& e) {
    Error(Code::kDbtJinja, n.pos.path, e.pos,
          "Compilation Error in " + n.resource_type + " " + n.name + " (" + n.original_file_path +
              ")\n  " + e.message,
          UndefinedHint(m_, e.message));
  } catch (const CompilationError& e) {
    Error(Code::kDbtCompilation, n.pos.path, {},
          "Compilation Error in " + n.resource_type + " " + n.name + " (" + n.original_file_path +
              ")\n  " + e.message);
  } catch (const jinja::MacroReturn&) {
  }
}

// dbt renders a node's pre- and post-hooks once its config is final, for the refs, sources
// and macros they use (their text runs later). Whether the node has hooks.
bool Parser::ParseRenderHooks(Node& n) {
  if (n.config == nullptr)
    return false;
  bool any = false;
  for (const char* key : {"pre-hook", "post-hook"}) {
    const Value* hooks = n.config->FindKey(key);
    if (hooks == nullptr || !hooks->is_list())
      continue;
    for (const Value& hook : hooks->as_list()) {
      const Value* sql = hook.is_dict() ? hook.as_dict().FindKey("sql") : nullptr;
      if (sql == nullptr || !sql->is_string())
        continue;
      any = true;
      try {
        RenderInNode(session_, n, Phase::kParse, std::string(sql->as_string()), n.pos.path);
      } catch (const jinja::TemplateError& e) {
        Error(Code::kDbtJinja, n.pos.path, {},
              "Compilation Error in " + n.resource_type + " " + n.name + " (" +
                  n.original_file_path + "), in its " + key + "\n  " + e.message);
      } catch (const CompilationError& e) {
        Error(Code::kDbtCompilation, n.pos.path, {},
              "Compilation Error in " + n.resource_type + " " + n.name + " (" +
                  n.original_file_path + "), in its " + key + "\n  " + e.message);
      } catch (const jinja::MacroReturn&) {
      }
    }
  }
  return any;
}

void Parser::ApplyPatch(Node& n, const Patch& p) {
  const Dict& e = p.entry.as_dict();
  Dict& d = n.data.as_dict();
  const Package& pkg = *p.package;
  if (const Value* desc = e.FindKey("description"))
    d.Set(Value("description"), DocRender(pkg, *desc));
  if (const Value* cols = e.FindKey("columns"); cols && cols->is_list()) {
    Dict columns;
    for (const Value& c : cols->as_list()) {
      if (!c.is_dict() || !c.as_dict().FindKey("name"))
        continue;
      const Dict& cd_in = c.as_dict();
      std::string cname = cd_in.FindKey("name")->Str();
      Dict cd;
      auto get = [&](const char* key) {
        const Value* v = cd_in.FindKey(key);
        return v ? *v : None();
      };
      cd.Set(Value("name"), Value(cname));
      Value desc = get("description");
      cd.Set(Value("description"), DocRender(pkg, desc.is_none() ? Value("") : desc));
      Value meta = get("meta");
      cd.Set(Value("meta"), meta.is_dict() ? meta : Value(Dict()));
      cd.Set(Value("data_type"), get("data_type"));
      cd.Set(Value("constraints"), NormalizeConstraints(get("constraints"), false));
      cd.Set(Value("quote"), get("quote"));
      Dict ccfg;
      ccfg.Set(Value("meta"), meta.is_dict() ? meta : Value(Dict()));
      Value tags = get("tags");
      ccfg.Set(Value("tags"), tags.is_list() ? tags : Value(List{}));
      ccfg.ShareKeys();
      cd.Set(Value("config"), Value(std::move(ccfg)));
      cd.Set(Value("tags"), tags.is_list() ? tags : Value(List{}));
      cd.Set(Value("granularity"), get("granularity"));
      cd.Set(Value("doc_blocks"), DocBlocks(pkg, desc));
      cd.ShareKeys();
      columns.Set(Value(cname), Value(std::move(cd)));
    }
    d.Set(Value("columns"), Value(std::move(columns)));
  }
  d.Set(Value("patch_path"), Value(pkg.name + "://" + p.file));
  if (const Value* meta = e.FindKey("meta"); meta && meta->is_dict())
    d.Set(Value("_yaml_meta"), *meta);
  if (const Value* docs = e.FindKey("docs"); docs && docs->is_dict())
    d.Set(Value("_yaml_docs"), *docs);
  if (const Value* tags = e.FindKey("tags"))
    d.Set(Value("_yaml_tags"), AsList(*tags));
  for (const char* k :
       {"access", "group", "latest_version", "deprecation_date", "constraints", "time_spine"}) {
    if (const Value* v = e.FindKey(k))
      d.Set(Value(std::string("_yaml_") + k), *v);
  }
}

// The dict `*v` for changing in place: a copy of it first when it is frozen (shared).
Dict& Unfrozen(Value* v) {
  if (v->frozen())
    *v = Value(Dict(v->as_dict()));
  return v->as_dict();
}

// Values many nodes hold unchanged, made once and frozen (shared by every node, never changed
// in place): what interning would find anyway, without looking.
const Value& FrozenEmptyList() {
  static const Value kEmpty = [] {
    Value v(List{});
    v.Freeze();
    return v;
  }();
  return kEmpty;
}
const Value& FrozenEmptyDict() {
  static const Value kEmpty = [] {
    Value v{Dict()};
    v.Freeze();
    return v;
  }();
  return kEmpty;
}

// RefsValue and SourcesValue, shared by consecutive nodes with the same ones (frozen).
bool SameRefs(const std::vector<RefCall>& a, const std::vector<RefCall>& b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].package != b[i].package)
      return false;
    const Value& x = a[i].version;
    const Value& y = b[i].version;
    bool none_x = x.is_none() || x.is_undefined();
    bool none_y = y.is_none() || y.is_undefined();
    if (none_x != none_y || (!none_x && !(x.SameBits(y) || (x.is_string() && y.is_string() &&
                                                            x.as_string() == y.as_string()))))
      return false;  // (versions of other kinds, or unequal ones: rendered anew)
  }
  return true;
}
Value SharedRefs(const Node& n) {
  if (n.refs.empty())
    return FrozenEmptyList();
  // Nodes come in order: a model's tests follow one another, and ref it alike.
  thread_local std::vector<RefCall> last_refs;
  thread_local Value last;
  if (!SameRefs(n.refs, last_refs) || !last.is_list()) {
    last_refs = n.refs;
    last = RefsValue(n);
    last.Freeze();
  }
  return last;
}
Value SharedSources(const Node& n) {
  if (n.sources.empty())
    return FrozenEmptyList();
  thread_local std::vector<std::pair<std::string, std::string>> last_sources;
  thread_local Value last;
  if (n.sources != last_sources || !last.is_list()) {
    last_sources = n.sources;
    last = SourcesValue(n);
    last.Freeze();
  }
  return last;
}

// Points `at[field]` at the value of each entry of `d` whose key `fields` names: the entries
// Finalize reads, found in one pass over the dict.
template <class Field, size_t N, class Out>
void FindFields(const Dict& d, const std::unordered_map<std::string_view, Field>& fields,
                Out* (&at)[N]) {
  for (const auto& entry : d.entries()) {
    if (!entry.first.is_string())
      continue;
    auto it = fields.find(entry.first.as_string());
    if (it != fields.end())
      at[it->second] = const_cast<Out*>(&entry.second);  // NOLINT: the caller's own dict
  }
}

// The entries of a node's dict that Finalize reads, found in one pass.
struct FinalizeInputs {
  enum Field : uint8_t {
    kYamlMeta,
    kYamlDocs,
    kYamlTags,
    kYamlGroup,
    kYamlAccess,
    kConfig,
    kUnrendered,
    kTestMetadata,
    kTestTags,
    kHookKind,
    kName,
    kDescription,
    kColumns,
    kPatchPath,
    kYamlConstraints,
    kVersion,
    kLatestVersion,
    kYamlDeprecationDate,
    kYamlTimeSpine,
    kIndex,
    kColumnName,
    kFileKeyName,
    kAttachedNode,
    kCount
  };
  Value* at[kCount] = {};

  explicit FinalizeInputs(Dict& in) {
    static const std::unordered_map<std::string_view, Field> kFields = {
        {"_yaml_meta", kYamlMeta},
        {"_yaml_docs", kYamlDocs},
        {"_yaml_tags", kYamlTags},
        {"_yaml_group", kYamlGroup},
        {"_yaml_access", kYamlAccess},
        {"config", kConfig},
        {"unrendered_config", kUnrendered},
        {"test_metadata", kTestMetadata},
        {"_test_tags", kTestTags},
        {"_hook_kind", kHookKind},
        {"name", kName},
        {"description", kDescription},
        {"columns", kColumns},
        {"patch_path", kPatchPath},
        {"_yaml_constraints", kYamlConstraints},
        {"version", kVersion},
        {"latest_version", kLatestVersion},
        {"_yaml_deprecation_date", kYamlDeprecationDate},
        {"_yaml_time_spine", kYamlTimeSpine},
        {"index", kIndex},
        {"column_name", kColumnName},
        {"file_key_name", kFileKeyName},
        {"attached_node", kAttachedNode}};
    FindFields(in, kFields, at);  // (read through pointers: `in` must not grow meanwhile)
  }
  Value get(Field f) const { return at[f] != nullptr ? *at[f] : None(); }
  bool has(Field f) const { return at[f] != nullptr; }
};

// The config keys Finalize reads, found in one pass.
struct ConfigInputs {
  enum Field : uint8_t {
    kDatabase,
    kSchema,
    kAlias,
    kTargetSchema,
    kTargetDatabase,
    kMeta,
    kGroup,
    kDocs,
    kStoreFailures,
    kContract,
    kAccess,
    kCount
  };
  const Value* at[kCount] = {};

  explicit ConfigInputs(const Dict& cfg) {
    static const std::unordered_map<std::string_view, Field> kFields = {
        {"database", kDatabase},
        {"schema", kSchema},
        {"alias", kAlias},
        {"target_schema", kTargetSchema},
        {"target_database", kTargetDatabase},
        {"meta", kMeta},
        {"group", kGroup},
        {"docs", kDocs},
        {"store_failures", kStoreFailures},
        {"contract", kContract},
        {"access", kAccess}};
    FindFields(cfg, kFields, at);
  }
  bool set(Field f) const { return at[f] != nullptr && !at[f]->is_none(); }
};

void Parser::Finalize(Node& n) {
  Dict& in = n.data.as_dict();
  const bool test = n.resource_type == "test";
  const bool generic_test = test && in.FindKey("test_metadata") != nullptr;
  // generate_schema_name / generate_alias_name see the node: give a new one its identity first.
  bool node_seen_by_macros = session_.macros->HasOverride("generate_schema_name") ||
                             session_.macros->HasOverride("generate_alias_name");
  if (node_seen_by_macros && in.FindKey("name") == nullptr) {
    in.Set(Value("name"), Value(n.name));
    in.Set(Value("resource_type"), Value(n.resource_type));
    in.Set(Value("package_name"), Value(n.package));
    in.Set(Value("path"), Value(n.path));
    in.Set(Value("original_file_path"), Value(n.original_file_path));
    in.Set(Value("unique_id"), Value(n.unique_id));
    List fqn;
    for (const std::string& f : n.fqn)
      fqn.emplace_back(f);
    in.Set(Value("fqn"), Value(fqn));
    in.Set(Value("raw_code"), Value(n.raw_code));
  }
  using F = FinalizeInputs;
  const FinalizeInputs inputs(in);
  // The config is often shared with other nodes (ResolveConfig's cache): what changes it
  // here changes this node's copy.
  auto mutable_config = [&]() -> Dict& {
    Dict& d = Unfrozen(inputs.at[F::kConfig]);
    n.config = &d;
    return d;
  };
  if (Value v = inputs.get(F::kYamlMeta); v.is_dict())
    MergeConfig(mutable_config(), "meta", v);
  if (Value v = inputs.get(F::kYamlDocs); v.is_dict())
    MergeConfig(mutable_config(), "docs", v);
  if (Value v = inputs.get(F::kYamlTags); v.is_list())
    MergeConfig(mutable_config(), "tags", v);
  // properties of the YAML entry are configs too
  for (auto [field, key] :
       {std::pair{F::kYamlGroup, "group"}, std::pair{F::kYamlAccess, "access"}}) {
    Value v = inputs.get(field);
    if (v.is_none())
      continue;
    mutable_config().Set(Value(key), v);
    if (Value* unrendered = inputs.at[F::kUnrendered]; unrendered && unrendered->is_dict())
      Unfrozen(unrendered).Set(Value(key), v);
  }
  // config.tags keeps every tag as merged (duplicates too, as dbt's append does); the node's
  // tags are unique: a generic test's start from its own and inherited ones, sorted.
  Value config_tags;
  if (const Value* t = n.config->FindKey("tags"); t && t->is_list())
    config_tags = *t;
  else
    mutable_config().Set(Value("tags"), config_tags = FrozenEmptyList());
  if (n.resource_type == "snapshot") {
    // SnapshotMetaColumnName: every name, None where not configured
    const Value* given = n.config->FindKey("snapshot_meta_column_names");
    Dict names;
    for (const char* k :
         {"dbt_valid_to", "dbt_valid_from", "dbt_scd_id", "dbt_updated_at", "dbt_is_deleted"}) {
      const Value* v = given && given->is_dict() ? given->as_dict().FindKey(k) : nullptr;
      names.Append(Value(k), v ? *v : None());
    }
    mutable_config().Set(Value("snapshot_meta_column_names"), Value(std::move(names)));
  }
  if (test) {
    // TestConfig.finalize_and_validate: store_failures_as decides store_failures when set, and
    // is derived from it otherwise.
    const Value* as = n.config->FindKey("store_failures_as");
    const Value* store = n.config->FindKey("store_failures");
    if (as == nullptr || as->is_none()) {
      if (store != nullptr && store->is_bool())
        mutable_config().Set(Value("store_failures_as"),
                             Value(store->as_bool() ? "table" : "ephemeral"));
    } else {
      mutable_config().Set(Value("store_failures"), Value(as->Str() != "ephemeral"));
    }
  }
  const Dict& cfg = *n.config;  // not changed below
  using C = ConfigInputs;
  const ConfigInputs config(cfg);
  List tags;
  if (generic_test) {
    if (Value own = inputs.get(F::kTestTags); own.is_list())
      tags = own.as_list();
  }
  for (const Value& x : config_tags.as_list()) {
    bool seen = false;
    for (const Value& y : tags)
      seen = seen || y.Equals(x);
    if (!seen)
      tags.push_back(x);
  }
  Value hook_kind = inputs.get(F::kHookKind);
  if (hook_kind.is_string())  // an operation's tags are its hook kind, then its configured tags
    tags.insert(tags.begin(), hook_kind);
  Value tags_of_node = tags.empty() ? FrozenEmptyList() : Value(std::move(tags));

  std::string database = project_.target.database();
  if (config.set(C::kDatabase))
    database = config.at[C::kDatabase]->Str();
  std::string schema;
  if (n.resource_type == "snapshot" && config.set(C::kTargetSchema)) {
    // Legacy snapshot configs name the schema (and database) as they are.
    schema = config.at[C::kTargetSchema]->Str();
    if (config.set(C::kTargetDatabase))
      database = config.at[C::kTargetDatabase]->Str();
  } else {
    schema = Schema(n, config.at[C::kSchema] ? *config.at[C::kSchema] : None());
  }
  std::string alias = Alias(n, config.at[C::kAlias] ? *config.at[C::kAlias] : None());

  // Nodes of a type have the same keys in the same order: each dict is built along the last
  // one's key list, which it then shares (no key copied, no growth).
  thread_local std::map<std::string, Dict::Shape, std::less<>> shapes;
  Dict::Shape& shape = shapes[generic_test ? "generic test" : n.resource_type];
  Dict d(shape);
  // (a literal key: its length is known, its copy inlined)
  auto set = [&d]<size_t N>(const char(&k)[N], Value v) {
    d.Append(Value(std::string_view(k, N - 1)), std::move(v));
  };
  // Texts that repeat from node to node are stored once (a test's file, schema and code); a
  // node's name, the last part of its fqn and its alias are mostly one text.
  thread_local jinja::TextInterner texts;
  set("database", texts.Intern(database));
  set("schema", texts.Intern(schema));
  Value name(n.name);
  set("name", name);
  set("resource_type", Value(n.resource_type));
  set("package_name", texts.Intern(n.package));
  set("path", Value(n.path));
  set("original_file_path",
      generic_test ? texts.Intern(n.original_file_path) : Value(n.original_file_path));
  set("unique_id", Value(n.unique_id));
  List fqn;
  fqn.reserve(n.fqn.size());
  for (const std::string& f : n.fqn)
    fqn.push_back(f == n.name ? name : texts.Intern(f));
  set("fqn", Value(std::move(fqn)));
  set("alias", alias == n.name ? name : Value(alias));
  if (generic_test) {
    static const Value kNoChecksum = [] {
      Dict checksum;
      checksum.Append(Value("name"), Value("none"));
      checksum.Append(Value("checksum"), Value(""));
      Value v(std::move(checksum));
      v.Freeze();
      return v;
    }();
    set("checksum", kNoChecksum);
  } else {
    thread_local Dict::Shape checksum_shape;
    Dict checksum(checksum_shape);
    checksum.Append(Value("name"), Value("sha256"));
    checksum.Append(Value("checksum"), n.checksum);
    checksum_shape = checksum.shape();
    set("checksum", Value(std::move(checksum)));
  }
  set("config", *inputs.at[F::kConfig]);  // the same dict (shared, not copied)
  set("tags", tags_of_node);
  Value desc = inputs.get(F::kDescription);
  set("description", desc.is_none() ? Value("") : desc);
  Value columns = inputs.get(F::kColumns);
  set("columns", columns.is_dict() ? columns : Value(Dict()));
  set("meta", config.at[C::kMeta] ? *config.at[C::kMeta] : FrozenEmptyDict());
  set("group", config.at[C::kGroup] ? *config.at[C::kGroup] : None());
  if (config.at[C::kDocs] != nullptr) {
    set("docs", *config.at[C::kDocs]);
  } else {  // tests have no docs config; their node shows dbt's default
    static const Value kDefaultDocs = [] {
      Dict shown;
      shown.Append(Value("show"), Value(true));
      shown.Append(Value("node_color"), None());
      Value v(std::move(shown));
      v.Freeze();
      return v;
    }();
    set("docs", kDefaultDocs);
  }
  set("patch_path", inputs.get(F::kPatchPath));
  set("build_path", None());
  Value unrendered = inputs.get(F::kUnrendered);
  set("unrendered_config", unrendered.is_dict() ? unrendered : FrozenEmptyDict());
  set("created_at", Value(0.0));
  bool ephemeral = n.materialized() == "ephemeral";
  bool has_relation =
      !test && n.resource_type != "analysis" && n.resource_type != "operation" && !ephemeral;
  if (test)  // a test that stores its failures has a relation
    has_relation = config.at[C::kStoreFailures] && config.at[C::kStoreFailures]->Truthy();
  set("relation_name",
      has_relation ? Value(RenderRelationName(database, schema, alias, project_.root().quoting))
                   : None());
  set("raw_code", generic_test ? texts.Intern(n.raw_code) : Value(n.raw_code));
  set("doc_blocks", FrozenEmptyList());
  if (n.resource_type == "seed") {
    set("root_path", Value(project_.FindPackage(n.package)->dir));
    Dict dep;
    dep.Append(Value("macros"), FrozenEmptyList());
    set("depends_on", Value(std::move(dep)));
  } else {
    set("language", Value("sql"));
    set("refs", SharedRefs(n));
    set("sources", SharedSources(n));
    set("metrics", FrozenEmptyList());
    set("functions", FrozenEmptyList());
    thread_local Dict::Shape dep_shape;
    Dict dep(dep_shape);  // changed in place by Link: the node's own
    dep.Append(Value("macros"), FrozenEmptyList());
    dep.Append(Value("nodes"), FrozenEmptyList());
    dep_shape = dep.shape();
    set("depends_on", Value(std::move(dep)));
    set("compiled_path", None());
    if (test || n.resource_type == "model" || n.resource_type == "analysis" ||
        n.resource_type == "snapshot" || n.resource_type == "operation") {
      const Value* c = config.at[C::kContract];
      const Value* enforced = c && c->is_dict() ? c->as_dict().FindKey("enforced") : nullptr;
      bool enforced_true = enforced && enforced->is_bool() && enforced->as_bool();
      auto contract_of = [](const Value& enforced_value) {
        Dict c;
        c.Append(Value("enforced"), enforced_value);
        c.Append(Value("alias_types"), Value(true));
        c.Append(Value("checksum"), None());
        return Value(std::move(c));
      };
      // Most contracts are {enforced: false, …}: one frozen value. The checksum of an enforced
      // contract is the node's own (set below).
      static const Value kNotEnforced = [&] {
        Value v = contract_of(Value(false));
        v.Freeze();
        return v;
      }();
      thread_local jinja::ValueInterner contracts;
      if (enforced == nullptr || (enforced->is_bool() && !enforced->as_bool()))
        set("contract", kNotEnforced);
      else if (enforced_true)
        set("contract", contract_of(*enforced));
      else
        set("contract", contracts.Intern(contract_of(*enforced)));
    }
  }
  if (n.resource_type == "model") {
    set("access", config.at[C::kAccess] ? *config.at[C::kAccess] : Value("protected"));
    set("constraints", NormalizeConstraints(inputs.get(F::kYamlConstraints), true));
    if (Value* contract = d.Find(Value("contract")); contract && contract->is_dict()) {
      const Value* enforced = contract->as_dict().FindKey("enforced");
      if (enforced && enforced->is_bool() && enforced->as_bool())
        contract->as_dict().Set(Value("checksum"), Value(ContractChecksum(d, n.materialized())));
    }
    set("version", inputs.get(F::kVersion));
    set("latest_version", inputs.get(F::kLatestVersion));
    set("deprecation_date", DeprecationDate(inputs.get(F::kYamlDeprecationDate)));
    set("primary_key", Value(List{}));
    set("time_spine", TimeSpine(inputs.get(F::kYamlTimeSpine)));
  }
  if (n.resource_type == "operation") {
    set("index", inputs.get(F::kIndex));
    d.Set(Value("_hook_kind"), hook_kind);  // kept for the next Finalize
  }
  if (test) {
    for (auto [field, key] :
         {std::pair{F::kColumnName, "column_name"}, std::pair{F::kFileKeyName, "file_key_name"},
          std::pair{F::kAttachedNode, "attached_node"},
          std::pair{F::kTestMetadata, "test_metadata"}}) {
      if (inputs.has(field))
        d.Append(Value(key), inputs.get(field));
    }
  }
  // Private keys used by the parser (raw YAML of sources for tests) stay out of the manifest.
  d.ShrinkToFit();
  d.ShareKeys();  // (shared already unless this node's keys differ from the last one's)
  shape = d.shape();
  // Configs and tags repeat from node to node (every test of a project has nearly the same
  // config): each is stored once. These parts are not changed after this point; what is (the
  // node's refs, depends_on, columns and constraints) is not shared.
  thread_local jinja::ValueInterner interner;
  for (const char* k : {"config", "unrendered_config", "tags", "meta", "docs"}) {
    Value* v = d.Find(Value(k));
    if (v != nullptr && !v->frozen())  // (shared ones are interned already)
      *v = interner.Intern(*v);
  }
  n.data = Value(std::move(d));
  n.config = &n.data.as_dict().Find(Value("config"))->as_dict();
}

}  // namespace

Value RefsValue(const Node& n) {
  List refs;
  for (const RefCall& r : n.refs) {
    Dict rd;
    rd.Append(Value("name"), Value(r.name));
    rd.Append(Value("package"), r.package.empty() ? Value::MakeNone() : Value(r.package));
    rd.Append(Value("version"), r.version.is_undefined() ? Value::MakeNone() : r.version);
    rd.ShareKeys();
    refs.emplace_back(std::move(rd));
  }
  return Value(std::move(refs));
}

Value SourcesValue(const Node& n) {
  // Each source once (dbt's static parser collects them as a set).
  List sources;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& st : n.sources) {
    if (seen.insert(st).second)
      sources.emplace_back(List{Value(st.first), Value(st.second)});
  }
  return Value(std::move(sources));
}

namespace {

// re.sub('[^0-9a-zA-Z_]+', '_', s): each run of other characters becomes one underscore.
std::string CleanArg(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  bool in_run = false;
  for (char c : s) {
    bool word =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (word) {
      out += c;
      in_run = false;
    } else if (!in_run) {
      out += '_';
      in_run = true;
    }
  }
  return out;
}

// Python's repr of the hashable form of test metadata (every leaf str()'d, dict keys sorted).
// repr() of dbt's hashable form of a test's metadata: dicts with sorted keys, lists, and every
// other value as the repr of its text.
void AppendHashableRepr(std::string& out, const Value& v) {
  if (v.is_dict()) {
    std::vector<std::string> texts;  // keys that are not strings, as text
    std::vector<std::pair<std::string_view, const Value*>> items;
    items.reserve(v.as_dict().size());
    texts.reserve(v.as_dict().size());
    for (const auto& [k, x] : v.as_dict().entries())
      items.emplace_back(
          k.is_string() ? k.as_string() : std::string_view(texts.emplace_back(k.Str())), &x);
    std::sort(items.begin(), items.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    out += '{';
    for (size_t i = 0; i < items.size(); ++i) {
      if (i)
        out += ", ";
      jinja::AppendStringRepr(out, items[i].first);
      out += ": ";
      AppendHashableRepr(out, *items[i].second);
    }
    out += '}';
    return;
  }
  if (v.is_list() && !v.is_tuple()) {
    out += '[';
    const List& l = v.as_list();
    for (size_t i = 0; i < l.size(); ++i) {
      if (i)
        out += ", ";
      AppendHashableRepr(out, l[i]);
    }
    out += ']';
    return;
  }
  if (v.is_string())
    jinja::AppendStringRepr(out, v.as_string());
  else
    jinja::AppendStringRepr(out, v.Repr());
}

constexpr const char* kTestConfigArgs[] = {
    "severity",  "tags",           "enabled",           "where", "limit",    "warn_if", "error_if",
    "fail_calc", "store_failures", "store_failures_as", "meta",  "database", "schema",  "alias"};

bool Parser::StaticArgument(const Value& v, std::vector<StaticCall>* calls) {
  if (v.is_list()) {
    for (const Value& x : v.as_list()) {
      if (!StaticArgument(x, calls))
        return false;
    }
    return true;
  }
  if (v.is_dict()) {
    for (const auto& [k, x] : v.as_dict().entries()) {
      if (!StaticArgument(x, calls))
        return false;
    }
    return true;
  }
  if (!v.is_string())
    return true;
  std::string text(v.as_string());
  if (LooksLikeFunction(text))
    text = "{{ " + text + " }}";
  if (text.find("{{") == std::string::npos && text.find("{%") == std::string::npos)
    return true;  // plain text, which the render takes as it is (RenderNode)
  if (session_.macros->builtin_ref_and_source() && text.size() > 6 &&
      text.compare(0, 3, "{{ ") == 0 && text.compare(text.size() - 3, 3, " }}") == 0) {
    StaticCall c;  // `{{ ref('m') }}`: what StaticCalls would read, without a parse
    if (ParseStaticCall(std::string_view(text).substr(3, text.size() - 6),
                        /*with_version=*/false, &c)) {
      calls->push_back(std::move(c));
      return true;
    }
  }
  try {
    jinja::Template tpl = jinja::Parse(text, "");
    std::vector<StaticCall> pieces;
    if (!StaticCalls(session_, tpl, &pieces))
      return false;
    for (StaticCall& c : pieces) {
      if (c.kind != StaticCall::kText)
        calls->push_back(std::move(c));
    }
    return true;
  } catch (const jinja::TemplateError&) {
    return false;  // the render reports it
  }
}

void Parser::AddTest(std::vector<std::unique_ptr<Node>>& out, const List& inherited_tags,
                     const Node& target, const Value& test, const Value* column,
                     const std::string& file, const Package& pkg, const std::string& target_kind) {
  std::string display = Display(pkg, file);
  std::string test_name;
  Dict args;
  if (test.is_string()) {
    test_name = test.as_string();
  } else if (test.is_dict()) {
    const Dict& td = test.as_dict();
    if (const Value* tn = td.FindKey("test_name")) {
      test_name = tn->Str();
      for (const auto& [k, v] : td.entries()) {
        if (k.Str() != "test_name")
          args.Set(k, v);
      }
    } else if (td.size() == 1) {
      test_name = td.entries()[0].first.Str();
      const Value& a = td.entries()[0].second;
      if (a.is_dict()) {
        for (const auto& [k, v] : a.as_dict().entries())
          args.Set(k, v);
      } else if (!a.is_none()) {
        Error(Code::kDbtYaml, display, {}, "test arguments of '" + test_name + "' must be a dict");
        return;
      }
    } else {
      Error(Code::kDbtYaml, display, {},
            "test definition dictionary must have exactly one key, got " + test.Repr());
      return;
    }
  } else {
    Error(Code::kDbtYaml, display, {}, "test must be a string or a dict, got " + test.Repr());
    return;
  }
  if (column != nullptr)
    args.Set(Value("column_name"), *column);
  if (const Value* arguments = args.FindKey("arguments"); arguments && arguments->is_dict()) {
    Value copy = *arguments;
    args.Erase(Value("arguments"));
    for (const auto& [k, v] : copy.as_dict().entries())
      args.Set(k, v);
  }
  // `[namespace.]name`, each an identifier (dbt's TEST_NAME_PATTERN, matched at the start).
  auto identifier = [&](size_t from) {
    size_t i = from;
    if (i < test_name.size() &&
        (isalpha(static_cast<unsigned char>(test_name[i])) || test_name[i] == '_'))
      ++i;
    else
      return from;
    while (i < test_name.size() &&
           (isalnum(static_cast<unsigned char>(test_name[i])) || test_name[i] == '_'))
      ++i;
    return i;
  };
  size_t first_end = identifier(0);
  if (first_end == 0) {
    Error(Code::kDbtYaml, display, {}, "invalid test name '" + test_name + "'");
    return;
  }
  std::string ns;
  std::string name = test_name.substr(0, first_end);
  if (first_end < test_name.size() && test_name[first_end] == '.') {
    size_t second_end = identifier(first_end + 1);
    if (second_end > first_end + 1) {
      ns = name;
      name = test_name.substr(first_end + 1, second_end - first_end - 1);
    }
  }
  Dict config;
  Value nested = args.FindKey("config") ? *args.FindKey("config") : None();
  // Most tests have none of these arguments: look each up only when one is there.
  bool any_config_arg = nested.is_dict();
  for (const auto& entry : args.entries()) {
    for (const char* key : kTestConfigArgs)
      any_config_arg =
          any_config_arg || (entry.first.is_string() && entry.first.as_string() == key);
  }
  for (const char* key : kTestConfigArgs) {
    if (!any_config_arg)
      break;
    Value v = args.FindKey(key) ? *args.FindKey(key) : None();
    args.Erase(Value(key));
    if (!v.Truthy() && nested.is_dict() && nested.as_dict().FindKey(key)) {
      v = *nested.as_dict().FindKey(key);
      nested.as_dict().Erase(Value(key));
    }
    if (!v.is_none())
      config.Set(Value(key), v);
  }
  if (nested.is_dict()) {
    for (const auto& [k, v] : nested.as_dict().entries())
      config.Set(k, v);
  }
  args.Erase(Value("config"));
  std::string description;
  if (const Value* d = args.FindKey("description")) {
    description = d->Str();
    args.Erase(Value("description"));
  }
  std::string custom_name;
  if (const Value* n = args.FindKey("name")) {
    custom_name = n->Str();
    args.Erase(Value("name"));
  }
  const Value* version = target.data.as_dict().FindKey("version");
  bool versioned = version && !version->is_none() && target_kind == "models";
  std::string model_str;
  if (target.resource_type == "source") {
    model_str = "{{ get_where_subquery(source('" +
                target.data.as_dict().FindKey("source_name")->Str() + "', '" + target.name +
                "')) }}";
  } else if (versioned) {
    model_str =
        "{{ get_where_subquery(ref('" + target.name + "', version='" + version->Str() + "')) }}";
  } else {
    model_str = "{{ get_where_subquery(ref('" + target.name + "')) }}";
  }
  args.Set(Value("model"), Value(model_str));
  std::string full_name, short_name;
  if (!custom_name.empty()) {
    full_name = short_name = custom_name;
  } else {
    std::string prefix = target.resource_type == "source" ? "source_" + name : name;
    if (!ns.empty())
      prefix = ns + "_" + prefix;
    std::string target_name =
        target.resource_type == "source"
            ? target.data.as_dict().FindKey("source_name")->Str() + "_" + target.name
            : target.name;
    if (versioned)
      target_name += "_v" + version->Str();
    std::vector<std::string> keys;
    for (const auto& [k, v] : args.entries())
      keys.push_back(k.Str());
    std::sort(keys.begin(), keys.end());
    std::vector<std::string> flat;
    for (const std::string& k : keys) {
      if (k == "model")
        continue;
      const Value& v = *args.FindKey(k);
      auto str = [](const Value& x) { return x.is_string() ? x.Str() : x.Repr(); };
      if (v.is_dict()) {
        for (const auto& [dk, dv] : v.as_dict().entries())
          flat.push_back(str(dv));
      } else if (v.is_list()) {
        for (const Value& x : v.as_list())
          flat.push_back(str(x));
      } else {
        flat.push_back(str(v));
      }
    }
    std::string unique;
    for (size_t i = 0; i < flat.size(); ++i)
      unique += (i ? "__" : "") + CleanArg(flat[i]);
    std::string identifier = prefix + "_" + target_name;
    full_name = identifier + "_" + unique;
    short_name = full_name;
    if (full_name.size() >= 64) {
      short_name = identifier.substr(0, 30) + "_" + Md5Hex(full_name);
      if (!config.FindKey("alias"))
        config.Set(Value("alias"), Value(short_name));
    }
  }
  Value kwargs(std::move(args));
  Dict metadata;
  metadata.Append(Value("name"), Value(name));
  metadata.Append(Value("kwargs"), kwargs);
  metadata.Append(Value("namespace"), ns.empty() ? None() : Value(ns));
  metadata.ShareKeys();
  // Hash: md5(name + repr(hashable metadata)) as dbt computes it (keys in dbt's order).
  Dict hash_md;
  hash_md.Append(Value("namespace"), ns.empty() ? None() : Value(ns));
  hash_md.Append(Value("name"), Value(name));
  hash_md.Append(Value("kwargs"), kwargs);
  std::string hashed = full_name;
  AppendHashableRepr(hashed, Value(std::move(hash_md)));
  std::string hash = Md5Hex(hashed).substr(22);

  auto n = std::make_unique<Node>();
  n->resource_type = "test";
  n->name = full_name;
  n->package = ns.empty() ? pkg.name : pkg.name;
  n->path = short_name + ".sql";
  n->original_file_path = file;
  n->unique_id = "test." + pkg.name + "." + full_name + "." + hash;
  n->fqn.push_back(pkg.name);
  std::string rel_dir = file.substr(file.find('/') == std::string::npos ? 0 : file.find('/') + 1);
  for (const std::string& d : DirsOf(rel_dir))
    n->fqn.push_back(d);
  n->fqn.push_back(full_name);
  n->pos = {display, 1, 1};
  n->raw_code = "{{ " + (ns.empty() ? "" : ns + ".") + "test_" + name +
                "(**_dbt_generic_test_kwargs) }}" + ConfigCallText(config);
  thread_local Dict::Shape test_shape;  // every test starts with these keys
  Dict d(test_shape);
  d.Append(Value("test_metadata"), Value(std::move(metadata)));
  d.Append(Value("column_name"), column != nullptr ? *column : None());
  std::string yaml_key = target.resource_type == "source"
                             ? "sources." + target.data.as_dict().FindKey("source_name")->Str()
                             : target_kind + "." + target.name;
  d.Append(Value("file_key_name"), Value(yaml_key));
  d.Append(Value("attached_node"),
           target.resource_type == "source" ? None() : Value(target.unique_id));
  d.Append(Value("description"), Value(description));
  // The node's tags: sorted(set(inherited tags + the test's own)); the project's follow later.
  List own_tags = inherited_tags;
  if (const Value* t = config.FindKey("tags")) {
    Value tags = AsList(*t);  // held: a range-for over a temporary's list would dangle
    for (const Value& x : tags.as_list())
      own_tags.push_back(x);
  }
  d.Append(Value("_test_tags"), Value(SortedUnique(own_tags)));
  test_shape = d.shape();
  n->data = Value(std::move(d));
  n->config_call = Value(std::move(config));
  // dbt renders a generic test while parsing to find its refs (its kwargs, then its macro),
  // except unique and not_null: their one dependency, the tested node, is known (dbt's
  // shortcut). accepted_values and relationships without a config take the same shortcut here
  // when no project macro replaces theirs and every other argument is plain or a literal
  // ref()/source(): a render would find exactly those (their macros call neither ref nor config).
  StaticCall tested;  // the `model` argument's call
  if (target.resource_type == "source") {
    tested.kind = StaticCall::kSource;
    tested.source = {target.data.as_dict().FindKey("source_name")->Str(), target.name};
  } else {
    tested.kind = StaticCall::kRef;
    tested.ref.name = target.name;
    tested.ref.version = versioned ? *version : None();
  }
  std::vector<StaticCall> found;  // the calls a render would make, in argument order
  bool shortcut = false;
  if (ns.empty() && !session_.macros->HasOverride("test_" + name)) {
    if (name == "unique" || name == "not_null") {
      shortcut = true;
      found.push_back(tested);
    } else if ((name == "accepted_values" || name == "relationships") &&
               n->config_call.as_dict().size() == 0 &&
               !session_.macros->HasOverride("default__test_" + name) &&
               !session_.macros->HasOverride(project_.target.type() + "__test_" + name)) {
      shortcut = true;
      if (versioned)  // rendered from the `model` argument's text: version='2' is a string
        tested.ref.version = Value(version->Str());
      for (const auto& [k, v] : kwargs.as_dict().entries()) {
        if (k.Str() == "model")
          found.push_back(tested);
        else if (k.Str() != "column_name" && !StaticArgument(v, &found))  // (never rendered)
          shortcut = false;
      }
    }
  }
  if (shortcut) {
    for (StaticCall& c : found) {
      if (c.kind == StaticCall::kRef)
        n->refs.push_back(std::move(c.ref));
      else if (c.kind == StaticCall::kSource)
        n->sources.push_back(std::move(c.source));
    }
    n->refs_known = true;
  }
  // dbt records the test's macro before any render (the only one with the shortcut).
  const MacroIndex& macros = *session_.macros;
  const Macro* test_macro = macros.Find(ns.empty() ? pkg.name : ns, "test_" + name);
  if (test_macro == nullptr)
    test_macro = macros.Find(project_.root().name, "test_" + name);
  if (test_macro == nullptr)
    test_macro = macros.FindInternal("test_" + name);
  if (test_macro != nullptr)
    n->depends_macros.push_back(test_macro->unique_id);
  // Without dbt's own shortcut (unique, not_null), dbt renders the arguments while parsing:
  // the `model` argument calls get_where_subquery.
  if (shortcut && name != "unique" && name != "not_null") {
    const Macro* where = macros.Find(project_.root().name, "get_where_subquery");
    if (where == nullptr)
      where = macros.FindInternal("get_where_subquery");
    if (where != nullptr)
      n->depends_macros.push_back(where->unique_id);
  }
  n->enabled = target.enabled;
  out.push_back(std::move(n));
}

// dbt's infer_primary_key: a primary_key constraint (model level, then column level); else the
// columns with both a unique (enabled or not) and a not_null test; else those with an enabled
// unique test; else a disabled one. unique_combination_of_columns counts as unique. Sorted.
void Parser::InferPrimaryKeys() {
  std::unordered_map<std::string_view, std::vector<const Node*>> tests_of;
  std::vector<Node*> models;
  for (const auto* nodes : {&m_.nodes, &m_.disabled}) {
    for (const auto& t : *nodes) {
      if (t->resource_type == "model" && nodes == &m_.nodes)
        models.push_back(t.get());
      if (t->resource_type != "test")
        continue;
      const Value* attached = t->data.as_dict().FindKey("attached_node");
      if (attached && attached->is_string())
        tests_of[attached->as_string()].push_back(t.get());
    }
  }
  static const std::vector<const Node*> kNoTests;
  ParseEach(models, [&](Node& model, size_t) {
    Node* n = &model;
    Dict& d = n->data.as_dict();
    auto is_primary_key = [](const Value& c) {
      return c.is_dict() && Get(c.as_dict(), "type").Str() == "primary_key";
    };
    std::vector<std::string> key;
    bool constrained = false;
    if (const Value* cs = d.FindKey("constraints"); cs && cs->is_list()) {
      for (const Value& c : cs->as_list()) {
        if (!constrained && is_primary_key(c)) {
          if (const Value* cols = c.as_dict().FindKey("columns"); cols && cols->is_list())
            for (const Value& x : cols->as_list())
              key.push_back(x.Str());
          constrained = true;
        }
      }
    }
    if (const Value* columns = d.FindKey("columns");
        !constrained && columns && columns->is_dict()) {
      for (const auto& [name, col] : columns->as_dict().entries()) {
        const Value* cs = col.is_dict() ? col.as_dict().FindKey("constraints") : nullptr;
        if (constrained || cs == nullptr || !cs->is_list())
          continue;
        for (const Value& c : cs->as_list()) {
          if (is_primary_key(c)) {
            key = {name.Str()};
            constrained = true;
            break;
          }
        }
      }
    }
    if (!constrained) {
      std::set<std::string> unique_on, unique_off, not_null;
      auto tests = tests_of.find(n->unique_id);
      for (const Node* t : tests == tests_of.end() ? kNoTests : tests->second) {
        const Value* md = t->data.as_dict().FindKey("test_metadata");
        if (md == nullptr || !md->is_dict())
          continue;
        std::string test =
            md->as_dict().FindKey("name") ? md->as_dict().FindKey("name")->Str() : "";
        const Value* kwargs = md->as_dict().FindKey("kwargs");
        std::vector<std::string> cols;
        if (kwargs && kwargs->is_dict()) {
          const Value* column = kwargs->as_dict().FindKey("column_name");
          const Value* combination = kwargs->as_dict().FindKey("combination_of_columns");
          if (column && column->is_string()) {
            cols.emplace_back(column->as_string());
          } else if (combination && combination->is_list()) {
            for (const Value& x : combination->as_list())
              if (x.is_string())
                cols.emplace_back(x.as_string());
          }
        }
        for (const std::string& c : cols) {
          if (test == "unique" || test == "unique_combination_of_columns")
            (t->enabled ? unique_on : unique_off).insert(c);
          else if (test == "not_null")
            not_null.insert(c);
        }
      }
      for (const std::string& c : not_null) {
        if (unique_on.count(c) || unique_off.count(c))
          key.push_back(c);
      }
      if (key.empty())
        key.assign(unique_on.begin(), unique_on.end());
      if (key.empty())
        key.assign(unique_off.begin(), unique_off.end());
    }
    std::sort(key.begin(), key.end());
    List out;
    for (const std::string& k : key)
      out.emplace_back(k);
    d.Set(Value("primary_key"), Value(std::move(out)));
  });
}

void Parser::AddGenericTests() {
  // Tests of models, seeds, snapshots, analyses from their patches; of sources from their YAML.
  std::vector<Node*> targets;
  for (const auto& n : m_.nodes)
    targets.push_back(n.get());
  for (const auto& n : m_.disabled)
    targets.push_back(n.get());
  std::vector<std::vector<std::unique_ptr<Node>>> made(targets.size());  // each target's tests
  ParseEach(targets, [&](Node& target, size_t i) {
    Node* t = &target;
    if (t->resource_type == "source") {
      Value src = t->data.as_dict().FindKey("_tests_source")
                      ? *t->data.as_dict().FindKey("_tests_source")
                      : None();
      Value tbl = t->data.as_dict().FindKey("_tests_table")
                      ? *t->data.as_dict().FindKey("_tests_table")
                      : None();
      t->data.as_dict().Erase(Value("_tests_source"));
      t->data.as_dict().Erase(Value("_tests_table"));
      if (!tbl.is_dict())
        return;
      const Package& pkg = *project_.FindPackage(t->package);
      // Source tests inherit the top-level tags of the source and the table (not config.tags).
      List source_tags = TagsOf(src, false);
      for (const Value& x : TagsOf(tbl, false))
        source_tags.push_back(x);
      for (const char* key : {"data_tests", "tests"}) {
        if (const Value* tests = tbl.as_dict().FindKey(key); tests && tests->is_list()) {
          for (const Value& test : tests->as_list())
            AddTest(made[i], source_tags, *t, test, nullptr, t->original_file_path, pkg, "sources");
        }
      }
      if (const Value* cols = tbl.as_dict().FindKey("columns"); cols && cols->is_list()) {
        for (const Value& c : cols->as_list()) {
          if (!c.is_dict())
            continue;
          Value quoted = TestColumnName(c, QuoteColumns(src, tbl));
          const Value* cname = &quoted;
          for (const char* key : {"data_tests", "tests"}) {
            if (const Value* tests = c.as_dict().FindKey(key); tests && tests->is_list()) {
              for (const Value& test : tests->as_list()) {
                List tags = source_tags;
                for (const Value& x : TagsOf(c, true))
                  tags.push_back(x);
                AddTest(made[i], tags, *t, test, cname, t->original_file_path, pkg, "sources");
              }
            }
          }
        }
      }
      return;
    }
    auto it = patch_by_key_.find(PatchKey(*t));
    if (it == patch_by_key_.end())
      return;
    const Patch& p = *it->second;
    const Dict& e = p.entry.as_dict();
    for (const char* key : {"data_tests", "tests"}) {
      if (const Value* tests = e.FindKey(key); tests && tests->is_list()) {
        for (const Value& test : tests->as_list())
          AddTest(made[i], {}, *t, test, nullptr, p.file, *p.package, p.yaml_key);
      }
    }
    if (const Value* cols = e.FindKey("columns"); cols && cols->is_list()) {
      for (const Value& c : cols->as_list()) {
        if (!c.is_dict())
          continue;
        Value quoted = TestColumnName(c, false);
        const Value* cname = &quoted;
        for (const char* key : {"data_tests", "tests"}) {
          if (const Value* tests = c.as_dict().FindKey(key); tests && tests->is_list()) {
            for (const Value& test : tests->as_list())
              AddTest(made[i], SortedUnique(TagsOf(c, true)), *t, test, cname, p.file, *p.package,
                      p.yaml_key);
          }
        }
      }
    }
  });
  for (auto& tests : made) {
    for (auto& n : tests)
      m_.nodes.push_back(std::move(n));
  }
}

}  // namespace

const Value* FindDocBlock(const Manifest& manifest, const std::string& package,
                          const std::string& name) {
  if (const Value* d = manifest.docs.FindKey("doc." + package + "." + name))
    return d;
  for (const auto& [k, v] : manifest.docs.entries()) {
    if (v.as_dict().FindKey("name")->Str() == name)
      return &v;
  }
  return nullptr;
}

Value RenderDescription(const Project& project, const Session& session, const Package& pkg,
                        const Value& text, Diagnostics& diagnostics) {
  if (!text.is_string() || text.as_string().find("{{") == std::string::npos)
    return text;
  Dict ctx = session.base;
  const Package* p = &pkg;
  const Manifest* m = &project.manifest;
  ctx.Set(Value("doc"), Value::Function("doc", [m, p](jinja::Interpreter&, jinja::Arguments& a) {
            std::string pkg_name = p->name;
            std::string name = a.Get(0, "name").Str();
            if (a.positional.size() >= 2) {
              pkg_name = a.positional[0].Str();
              name = a.positional[1].Str();
            }
            const Value* d = FindDocBlock(*m, pkg_name, name);
            if (d == nullptr)
              throw CompilationError{"Documentation for '" + name + "' not found"};
            return *d->as_dict().FindKey("block_contents");
          }));
  Diagnostics local;
  Value v = RenderYamlValue(text, ctx, pkg.name, local);
  diagnostics.Append(local);
  return v.is_string() ? v : Value(v.Str());
}

const Node* FindSource(const Project& project, const Node& from, const std::string& source,
                       const std::string& table) {
  const Manifest& m = project.manifest;
  for (const std::string& pkg : {project.root().name, from.package}) {
    auto it = m.by_id.find("source." + pkg + "." + source + "." + table);
    if (it != m.by_id.end())
      return it->second;
  }
  for (const auto& other : m.nodes) {
    if (other->resource_type == "source" && other->fqn.size() >= 2 && other->name == table &&
        other->data.as_dict().FindKey("source_name")->Str() == source)
      return other.get();
  }
  return nullptr;
}

const Node* ResolveRefNode(const Project& project, const Node& from, const RefCall& ref) {
  const Manifest& m = project.manifest;
  std::string_view packages[3];
  size_t count = 0;
  if (!ref.package.empty()) {
    packages[count++] = ref.package;
  } else if (from.package == project.root().name) {
    packages[count++] = project.root().name;
    packages[count++] = "";
  } else {
    packages[count++] = project.root().name;
    packages[count++] = from.package;
    packages[count++] = "";
  }
  auto found = m.refable.find(ref.name);
  if (found == m.refable.end())
    return nullptr;
  bool any_version = ref.version.is_none() || ref.version.is_undefined();
  for (size_t p = 0; p < count; ++p) {
    std::string_view pkg = packages[p];
    const Node* best = nullptr;
    for (const Node* n : found->second) {
      if (n->name != ref.name || (!pkg.empty() && n->package != pkg))
        continue;
      if (n->resource_type != "model" && n->resource_type != "seed" &&
          n->resource_type != "snapshot")
        continue;
      const Value* v = n->data.as_dict().FindKey("version");
      bool has_version = v && !v->is_none();
      if (!any_version) {
        if (has_version && v->Str() == ref.version.Str())
          return n;
        continue;
      }
      if (!has_version)
        return n;
      const Value* latest = n->data.as_dict().FindKey("latest_version");
      if (latest && !latest->is_none() && latest->Str() == v->Str())
        return n;
      best = n;
    }
    if (best != nullptr)
      return best;
  }
  return nullptr;
}

std::string ResolveRef(const Project& project, const Node& from, const RefCall& ref) {
  const Node* n = ResolveRefNode(project, from, ref);
  return n != nullptr ? n->unique_id : std::string();
}

namespace {

// Where `call('name'` (or with double quotes) first appears in the node's code: the place a
// missing ref or source points at.
jinja::Position CallSite(const Node& n, const std::string& call, const std::string& name) {
  const std::string& code = n.raw_code;
  for (size_t at = code.find(call + "("); at != std::string::npos;
       at = code.find(call + "(", at + 1)) {
    size_t q = code.find(name, at);
    size_t close = code.find(')', at);
    if (q == std::string::npos || (close != std::string::npos && q > close))
      continue;
    jinja::Position p{n.pos.line, n.pos.column};
    for (size_t i = 0; i < at; ++i) {
      if (code[i] == '\n') {
        ++p.line;
        p.column = 1;
      } else {
        ++p.column;
      }
    }
    return p;
  }
  return {n.pos.line, n.pos.column};
}

std::string Parser::RefHint(const std::string& name) const {
  std::vector<std::string> names;
  for (const auto& [n, nodes] : m_.refable)
    names.push_back(n);
  std::vector<std::string> close = ClosestMatches(name, names, 1);
  if (close.empty())
    return "no model, seed or snapshot has that name";
  return "did you mean `" + close[0] + "`?";
}

void Parser::Link() {
  std::vector<Node*> all;
  for (auto& n : m_.nodes)
    all.push_back(n.get());
  ParseEach(all, [&](Node& node, size_t) {
    Node* n = &node;
    std::vector<std::string> deps;
    std::vector<std::string> ref_deps;
    for (const RefCall& r : n->refs) {
      const Node* target = ResolveRefNode(project_, *n, r);
      if (target == nullptr) {
        bool disabled = false;
        for (const auto& d : m_.disabled)
          disabled = disabled || d->name == r.name;
        Error(Code::kDbtRefNotFound, n->pos.path, CallSite(*n, "ref", r.name),
              std::string(n->resource_type == "test" ? "Test" : "Model") + " '" + n->unique_id +
                  "' (" + n->original_file_path + ") depends on a node named '" + r.name + "'" +
                  (disabled ? " which is disabled" : " which was not found"),
              disabled ? "enable it, or remove the ref" : RefHint(r.name));
        continue;
      }
      if (std::find(ref_deps.begin(), ref_deps.end(), target->unique_id) == ref_deps.end())
        ref_deps.push_back(target->unique_id);
    }
    for (const auto& [src, table] : n->sources) {
      const Node* source = FindSource(project_, *n, src, table);
      if (source == nullptr) {
        Error(Code::kDbtRefNotFound, n->pos.path, CallSite(*n, "source", table),
              std::string(n->resource_type == "test" ? "Test" : "Model") + " '" + n->unique_id +
                  "' (" + n->original_file_path + ") depends on a source named '" + src + "." +
                  table + "' which was not found",
              "declare it under `sources:` in a properties file");
        continue;
      }
      if (std::find(deps.begin(), deps.end(), source->unique_id) == deps.end())
        deps.push_back(source->unique_id);
    }
    // dbt links sources before refs.
    for (const std::string& id : ref_deps) {
      if (std::find(deps.begin(), deps.end(), id) == deps.end())
        deps.push_back(id);
    }
    for (const std::string& id : n->direct_deps) {
      if (!m_.by_id.count(id)) {
        Error(Code::kDbtRefNotFound, n->pos.path, {},
              n->unique_id + " depends on '" + id + "' which was not found");
        continue;
      }
      if (std::find(deps.begin(), deps.end(), id) == deps.end())
        deps.push_back(id);
    }
    n->depends_on = deps;
    if (n->resource_type == "model")
      ResolveConstraintTargets(project_, *n);
    List nodes;  // the parents' own unique_id texts, shared
    nodes.reserve(deps.size());
    for (const std::string& id : deps) {
      auto parent = m_.by_id.find(id);
      const Value* own =
          parent != m_.by_id.end() ? parent->second->data.as_dict().FindKey("unique_id") : nullptr;
      nodes.push_back(own != nullptr ? *own : Value(id));
    }
    Value* dep = n->data.as_dict().Find(Value("depends_on"));
    if (dep && dep->is_dict() && n->resource_type != "seed") {
      dep->as_dict().Set(Value("nodes"), Value(nodes));
      if (!n->depends_macros.empty())
        dep->as_dict().Set(Value("macros"), MacroIdsValue(n->depends_macros));
    }
  });
  // parent_map: each graph member's parents; child_map: the reverse; both sorted. Built from
  // a list sorted once, appended at the map's end (a map insert per node otherwise compares
  // long unique_ids a dozen times).
  std::vector<const Node*> members;
  for (const auto& n : m_.nodes) {
    if (n->resource_type != "group")  // groups are not graph members
      members.push_back(n.get());
  }
  std::sort(members.begin(), members.end(),
            [](const Node* a, const Node* b) { return a->unique_id < b->unique_id; });
  std::unordered_map<std::string_view, size_t> position;
  position.reserve(members.size());
  for (size_t i = 0; i < members.size(); ++i)
    position.emplace(members[i]->unique_id, i);
  std::vector<std::vector<size_t>> parents(members.size()), children(members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    for (const std::string& p : members[i]->depends_on) {
      auto it = position.find(p);
      if (it == position.end())
        continue;
      parents[i].push_back(it->second);
      children[it->second].push_back(i);
    }
  }
  auto ids = [&](std::vector<size_t>& of) {
    std::sort(of.begin(), of.end());  // positions sort as the ids do
    std::vector<std::string_view> out;
    out.reserve(of.size());
    for (size_t j : of)
      out.push_back(members[j]->unique_id);
    return out;
  };
  for (size_t i = 0; i < members.size(); ++i) {
    m_.parent_map.emplace_hint(m_.parent_map.end(), members[i]->unique_id, ids(parents[i]));
    m_.child_map.emplace_hint(m_.child_map.end(), members[i]->unique_id, ids(children[i]));
  }
  // Cycles: depth-first search over parents (in sorted order), from each node in parse order;
  // the first cycle found is reported.
  std::vector<uint8_t> state(members.size(), 0);  // 0 new, 1 on the path, 2 done
  std::vector<std::pair<size_t, size_t>> path;    // node, next parent to visit
  for (const auto& start : m_.nodes) {
    auto from = position.find(start->unique_id);
    if (from == position.end() || state[from->second] != 0)
      continue;
    path.push_back({from->second, 0});
    state[from->second] = 1;
    while (!path.empty()) {
      auto& [at, next] = path.back();
      if (next == parents[at].size()) {
        state[at] = 2;
        path.pop_back();
        continue;
      }
      size_t p = parents[at][next++];
      if (state[p] == 0) {
        state[p] = 1;
        path.push_back({p, 0});
        continue;
      }
      if (state[p] != 1)
        continue;
      std::string cycle;
      size_t first = 0;
      while (path[first].first != p)
        ++first;
      for (size_t k = first; k < path.size(); ++k)
        cycle += members[path[k].first]->unique_id + " --> ";
      cycle += members[p]->unique_id;
      Error(Code::kDbtCycle, members[path.back().first]->pos.path, {}, "Found a cycle: " + cycle,
            "remove one of the refs of the cycle");
      return;
    }
  }
}

void Parser::ParseEach(const std::vector<Node*>& nodes,
                       const std::function<void(Node&, size_t)>& parse) {
  struct Outcome {
    Diagnostics diagnostics;
    std::string log;
  };
  std::vector<Outcome> outcomes(nodes.size());
  ParallelFor(nodes.size(), [&](size_t i) {
    t_node_diags = &outcomes[i].diagnostics;
    LogCapture capture(&outcomes[i].log);
    try {
      parse(*nodes[i], i);
    } catch (const std::exception& e) {
      Error(Code::kInternal, nodes[i]->pos.path, {}, std::string("internal error: ") + e.what());
    }
    t_node_diags = nullptr;
  });
  for (const Outcome& o : outcomes) {
    if (!o.log.empty())
      std::cerr << o.log;
    all_diags_.Append(o.diagnostics);
  }
}

bool Parser::Run() {
  // Properties YAML is read and parsed on its own thread while macros load and model files
  // are read: the three do not depend on each other, and YAML parsing is serial.
  std::vector<PropertiesFile> properties;
  std::jthread properties_reader([&, arena = CurrentHeapArena()] {
    UseHeapArena(arena);  // what it builds is freed here, once applied
    properties = ReadPropertiesFiles(project_);
  });
  LoadMacros();
  session_.macro_index = std::make_unique<MacroIndex>(project_);
  session_.macros = session_.macro_index.get();
  for (const auto& pkg : project_.packages)
    LoadDocs(*pkg);
  session_.base = BaseContext(project_, &session_);
  std::vector<std::vector<ModelFolder>> model_files;
  for (const auto& pkg : project_.packages)
    model_files.push_back(ReadModelFiles(*pkg));
  properties_reader.join();
  for (PropertiesFile& file : properties)
    LoadProperties(file);
  std::vector<PropertiesFile>().swap(properties);  // their YAML trees are no longer needed
  for (const Patch& p : patches_) {
    std::string type = p.yaml_key == "models"       ? "model"
                       : p.yaml_key == "seeds"      ? "seed"
                       : p.yaml_key == "snapshots"  ? "snapshot"
                       : p.yaml_key == "analyses"   ? "analysis"
                       : p.yaml_key == "data_tests" ? "test"  // singular tests
                                                    : "macro";
    patch_by_key_[p.package->name + ":" + type + ":" + p.entry.as_dict().FindKey("name")->Str()] =
        &p;
  }
  for (size_t i = 0; i < project_.packages.size(); ++i)
    LoadSqlNodes(*project_.packages[i], model_files[i]);
  ApplyVersions();
  AddYamlSnapshots();
  AddOperations();

  // Nodes from files: patch, config, parse render, final config, names.
  std::vector<Node*> file_nodes;
  for (const auto& n : m_.nodes) {
    if (n->resource_type != "source")
      file_nodes.push_back(n.get());
  }
  ParseEach(file_nodes, [&](Node& node, size_t) {
    Node* n = &node;
    auto it = patch_by_key_.find(PatchKey(*n));
    const Value* yaml_config = nullptr;
    if (it != patch_by_key_.end()) {
      ApplyPatch(*n, *it->second);
      yaml_config = it->second->entry.as_dict().FindKey("config");
    }
    ResolveConfig(*n, yaml_config);
    // The node as templates see it while parsing (`model`, `this`).
    Finalize(*n);
    ParseRender(*n);
    if (n->resource_type == "model")
      AddConstraintRefs(*n);
    if (n->config_call.is_dict() && n->config_call.as_dict().size() > 0) {
      // config() was called: the configs, and the names derived from them, are resolved again.
      if (it != patch_by_key_.end())
        ApplyPatch(*n, *it->second);
      ResolveConfig(*n, yaml_config);
      Finalize(*n);
    } else if (n->resource_type != "seed") {
      n->data.as_dict().Set(Value("refs"), SharedRefs(*n));
      n->data.as_dict().Set(Value("sources"), SharedSources(*n));
    }
    if (n->resource_type != "seed" && n->resource_type != "test" && ParseRenderHooks(*n)) {
      n->data.as_dict().Set(Value("refs"), SharedRefs(*n));
      n->data.as_dict().Set(Value("sources"), SharedSources(*n));
    }
  });
  AddGenericTests();
  std::vector<Node*> generic_tests;
  for (const auto& n : m_.nodes) {
    if (n->resource_type == "test" && n->data.as_dict().FindKey("test_metadata") != nullptr)
      generic_tests.push_back(n.get());
  }
  ParseEach(generic_tests, [&](Node& node, size_t) {
    Node* n = &node;
    const Value* metadata_v = n->data.as_dict().FindKey("test_metadata");
    Value metadata = *metadata_v;
    Value column = *n->data.as_dict().FindKey("column_name");
    Value file_key = *n->data.as_dict().FindKey("file_key_name");
    Value attached = *n->data.as_dict().FindKey("attached_node");
    Value desc = *n->data.as_dict().FindKey("description");
    Value own_tags = *n->data.as_dict().FindKey("_test_tags");
    bool target_enabled = n->enabled;
    auto resolve = [&] {  // the builder's keys survive the config's resolution
      ResolveConfig(*n, nullptr);
      Dict& d = n->data.as_dict();
      d.Set(Value("test_metadata"), metadata);
      d.Set(Value("column_name"), column);
      d.Set(Value("file_key_name"), file_key);
      d.Set(Value("attached_node"), attached);
      d.Set(Value("description"), desc);
      d.Set(Value("_test_tags"), own_tags);
      Finalize(*n);
    };
    resolve();
    ParseRender(*n);
    if (n->config_call_written.is_dict()) {
      resolve();  // config() was called while rendering
    } else {      // only the refs and sources found while rendering are new
      n->data.as_dict().Set(Value("refs"), SharedRefs(*n));
      n->data.as_dict().Set(Value("sources"), SharedSources(*n));
    }
    n->enabled = n->enabled && target_enabled;
  });
  // Disabled nodes leave the graph.
  std::vector<std::unique_ptr<Node>> kept;
  for (auto& n : m_.nodes) {
    if (n->enabled)
      kept.push_back(std::move(n));
    else
      m_.disabled.push_back(std::move(n));
  }
  m_.nodes = std::move(kept);
  for (const auto& n : m_.nodes) {
    auto [it, inserted] = m_.by_id.emplace(n->unique_id, n.get());
    if (!inserted) {
      Error(Code::kDbtDuplicate, n->pos.path, {},
            "dbt found two " + n->resource_type + "s with the name \"" + n->name + "\".\n - " +
                it->second->original_file_path + "\n - " + n->original_file_path,
            "rename one of them, or disable one with `enabled: false`");
    }
  }
  InferPrimaryKeys();
  // A generic test is in its model's group (the node's group; its config.group stays unset).
  bool any_group = false;
  for (const auto& n : m_.nodes) {
    const Value* group = n->data.as_dict().FindKey("group");  // (all None: nothing to do)
    any_group = any_group || (group != nullptr && !group->is_none());
  }
  for (const auto& n : m_.nodes) {
    if (!any_group)
      break;
    if (n->resource_type != "test")
      continue;
    const Value* attached = n->data.as_dict().FindKey("attached_node");
    if (attached == nullptr || !attached->is_string())
      continue;
    auto it = m_.by_id.find(attached->as_string());
    if (it == m_.by_id.end())
      continue;
    if (const Value* group = it->second->data.as_dict().FindKey("group"))
      n->data.as_dict().Set(Value("group"), *group);
  }
  // Two refable resources with one name in one package (a model and a seed, say).
  std::unordered_map<std::string, const Node*> names;
  names.reserve(m_.nodes.size());
  for (const auto& n : m_.nodes) {
    if (n->resource_type != "model" && n->resource_type != "seed" && n->resource_type != "snapshot")
      continue;
    const Value* v = n->data.as_dict().FindKey("version");
    std::string key = n->package + "." + n->name + (v && !v->is_none() ? ".v" + v->Str() : "");
    auto [it, inserted] = names.emplace(key, n.get());
    if (!inserted && it->second->resource_type != n->resource_type) {
      Error(Code::kDbtDuplicate, n->pos.path, {},
            "dbt found two resources with the name \"" + n->name + "\": " + it->second->unique_id +
                " (" + it->second->original_file_path + ") and " + n->unique_id + " (" +
                n->original_file_path + ")",
            "rename one of them");
    }
  }
  for (const auto& n : m_.nodes) {
    if (n->resource_type == "model" || n->resource_type == "seed" || n->resource_type == "snapshot")
      m_.refable[n->name].push_back(n.get());
  }
  AddYamlResources(project_, session_, yaml_resources_, diags());
  Link();
  return !diags().has_errors();
}

}  // namespace

bool ParseProject(Project& project, Session& session, Diagnostics& diagnostics) {
  session.project = &project;
  Parser parser(project, session, diagnostics);
  return parser.Run();
}

}  // namespace floe::dbt
