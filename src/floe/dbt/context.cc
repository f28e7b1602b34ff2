#include "floe/dbt/context.h"

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <optional>
#include <regex>
#include <set>

#include "floe/base/fs.h"
#include "floe/base/hash.h"
#include "floe/base/utf8.h"
#include "floe/dbt/compile.h"
#include "floe/dbt/json.h"
#include "floe/dbt/pydatetime.h"
#include "floe/dbt/resources.h"
#include "floe/dbt/seed.h"
#include "floe/jinja/builtins.h"
#include "floe/jinja/parser.h"

namespace floe::dbt {

using jinja::Arguments;
using jinja::Callable;
using jinja::Interpreter;

namespace {

constexpr const char* kDbtVersion = "1.11.16";

[[noreturn]] void Fail(std::string message) {
  throw CompilationError{std::move(message)};
}

Value Fn(std::string name, jinja::NativeFunction f) {
  return Value::Function(std::move(name), std::move(f));
}

std::string Quote(const std::string& s) {
  return "\"" + s + "\"";
}

// ---------------------------------------------------------------------------------------------
// Relation (dbt-duckdb's DuckDBRelation as templates see it)

class Relation;
Value FixSelf(const std::shared_ptr<Relation>& r);

class Relation : public Callable {
 public:
  std::string database, schema, identifier, type;
  bool include_database = true, include_schema = true, include_identifier = true;
  bool quote_database = true, quote_schema = true, quote_identifier = true;
  bool cte = false;
  int64_t limit = -1;       // --empty: 0, the relation reads as an empty subquery of itself
  bool limit_alias = true;  // the subquery is aliased (DuckDB's relations need none)

  std::string name() const override { return "Relation"; }
  std::string type_name() const override { return "DuckDBRelation"; }
  bool callable() const override { return false; }
  bool mapping() const override { return true; }
  Value Call(Interpreter&, Arguments&) override { Fail("'DuckDBRelation' object is not callable"); }

  std::string Render() const {
    if (cte)
      return identifier;
    std::string out;
    auto add = [&](bool include, bool quote, const std::string& part) {
      if (!include || part.empty())
        return;
      if (!out.empty())
        out += '.';
      out += quote ? Quote(part) : part;
    };
    add(include_database, quote_database, database);
    add(include_schema, quote_schema, schema);
    add(include_identifier, quote_identifier, identifier);
    return out;
  }
  // dbt's render_limited: what `{{ relation }}` prints.
  std::string str() const override {
    if (limit < 0)
      return Render();
    std::string inner = "select * from " + Render() +
                        (limit == 0 ? " where false limit 0" : " limit " + std::to_string(limit));
    return "(" + inner + ")" + (limit_alias ? " _dbt_limit_subq_" + identifier : "");
  }
  std::string repr() const override { return "<DuckDBRelation " + Render() + ">"; }

  std::shared_ptr<Relation> Copy() const {
    auto r = std::make_shared<Relation>();
    r->database = database;
    r->schema = schema;
    r->identifier = identifier;
    r->type = type;
    r->include_database = include_database;
    r->include_schema = include_schema;
    r->include_identifier = include_identifier;
    r->quote_database = quote_database;
    r->quote_schema = quote_schema;
    r->quote_identifier = quote_identifier;
    r->cte = cte;
    r->limit = limit;
    r->limit_alias = limit_alias;
    r->self_ = r;
    return r;
  }

  Dict PathDict() const {
    Dict d;
    d.Set(Value("database"), database.empty() ? None() : Value(database));
    d.Set(Value("schema"), schema.empty() ? None() : Value(schema));
    d.Set(Value("identifier"), identifier.empty() ? None() : Value(identifier));
    return d;
  }
  Value MetaDict() const {
    Dict d;
    d.Set(Value("type"), Value("DuckDBRelation"));
    return Value(std::move(d));
  }
  std::vector<Value> Keys() const override {
    return {Value("path"), Value("type"), Value("quote_policy"), Value("include_policy"),
            Value("metadata")};
  }
  Value Item(const Value& key) override {
    if (!key.is_string())
      return Value::MakeUndefined(key.Str());
    std::string k(key.as_string());
    if (k == "path")
      return Value(PathDict());
    if (k == "metadata")
      return MetaDict();
    if (k == "type")
      return type.empty() ? None() : Value(type);
    return Attr(k);
  }

  Value Attr(const std::string& n) override {
    auto self = std::static_pointer_cast<Relation>(shared_from_this_());
    if (n == "database")
      return database.empty() ? None() : Value(database);
    if (n == "schema")
      return schema.empty() ? None() : Value(schema);
    if (n == "identifier" || n == "name" || n == "table")
      return identifier.empty() ? None() : Value(identifier);
    if (n == "type")
      return type.empty() ? None() : Value(type);
    if (n == "is_table")
      return Value(type == "table");
    if (n == "is_view")
      return Value(type == "view");
    if (n == "is_cte")
      return Value(cte);
    if (n == "is_materialized_view")
      return Value(type == "materialized_view");
    if (n == "path")
      return Value(PathDict());
    if (n == "metadata")
      return MetaDict();
    if (n == "render")
      return Fn("render", [self](Interpreter&, Arguments&) { return Value(self->Render()); });
    if (n == "get") {
      return Fn("get", [self](Interpreter&, Arguments& a) {
        Value v = self->Item(a.Get(0, "key"));
        return v.is_undefined() ? a.Get(1, "default", None()) : v;
      });
    }
    if (n == "include") {
      return Fn("include", [self](Interpreter&, Arguments& a) {
        auto copy = self->Copy();
        if (a.Has(0, "database"))
          copy->include_database = a.Get(0, "database").Truthy();
        if (a.Has(1, "schema"))
          copy->include_schema = a.Get(1, "schema").Truthy();
        if (a.Has(2, "identifier"))
          copy->include_identifier = a.Get(2, "identifier").Truthy();
        return FixSelf(copy);
      });
    }
    if (n == "without_identifier") {
      return Fn("without_identifier", [self](Interpreter&, Arguments&) {
        auto copy = self->Copy();
        copy->include_identifier = false;
        return FixSelf(copy);
      });
    }
    if (n == "quote") {
      return Fn("quote", [self](Interpreter&, Arguments&) {
        return Value(std::shared_ptr<Callable>(self->Copy()));
      });
    }
    if (n == "incorporate") {
      return Fn("incorporate", [self](Interpreter&, Arguments& a) {
        auto copy = self->Copy();
        Value path = a.Get(0, "path");
        if (path.is_dict()) {
          for (const auto& [k, v] : path.as_dict().entries()) {
            std::string key = k.Str();
            std::string val = v.is_none() ? "" : v.Str();
            if (key == "database")
              copy->database = val;
            else if (key == "schema")
              copy->schema = val;
            else if (key == "identifier")
              copy->identifier = val;
          }
        }
        Value type = a.Get(1, "type");
        if (type.is_string())
          copy->type = type.as_string();
        return FixSelf(copy);
      });
    }
    return Value::MakeUndefined(n);
  }

  // Callable is not enable_shared_from_this; relations keep a weak self set at creation.
  std::weak_ptr<Relation> self_;
  std::shared_ptr<Callable> shared_from_this_() const {
    auto s = self_.lock();
    return s ? std::static_pointer_cast<Callable>(s) : std::static_pointer_cast<Callable>(Copy());
  }
};

Value FixSelf(const std::shared_ptr<Relation>& r) {
  r->self_ = r;
  return Value(std::shared_ptr<Callable>(r));
}

Value MakeRelation(std::string database, std::string schema, std::string identifier,
                   std::string type = "", bool cte = false) {
  auto r = std::make_shared<Relation>();
  r->database = std::move(database);
  r->schema = std::move(schema);
  r->identifier = std::move(identifier);
  r->type = std::move(type);
  r->cte = cte;
  r->self_ = r;
  return Value(std::shared_ptr<Callable>(r));
}

// ---------------------------------------------------------------------------------------------
// Query results: agate-like tables and columns

class AgateColumn : public Callable {
 public:
  AgateColumn(std::string name, std::string type, List values)
      : name_(std::move(name)), type_(std::move(type)), values_(std::move(values)) {}
  std::string name() const override { return name_; }
  std::string type_name() const override { return "Column"; }
  bool callable() const override { return false; }
  Value Call(Interpreter&, Arguments&) override { Fail("'Column' object is not callable"); }
  Value Attr(const std::string& n) override {
    if (n == "name")
      return Value(name_);
    if (n == "data_type")
      return Value(type_);
    List values = values_;
    if (n == "values" || n == "values_distinct" || n == "values_without_nulls") {
      return Fn(n, [values](Interpreter&, Arguments&) { return Value(values, true); });
    }
    return Value::MakeUndefined(n);
  }
  Value Item(const Value& key) override {
    if (key.is_int()) {
      int64_t i = key.as_int();
      if (i < 0)
        i += static_cast<int64_t>(values_.size());
      if (i >= 0 && i < static_cast<int64_t>(values_.size()))
        return values_[static_cast<size_t>(i)];
    }
    return Callable::Item(key);
  }

 private:
  std::string name_, type_;
  List values_;
};

class ColumnList : public Callable {
 public:
  explicit ColumnList(List columns) : columns_(std::move(columns)) {}
  std::string name() const override { return "columns"; }
  std::string type_name() const override { return "MappedSequence"; }
  bool callable() const override { return false; }
  bool mapping() const override { return false; }
  bool Elements(List* out) const override {  // agate's MappedSequence iterates its values
    *out = columns_;
    return true;
  }
  Value Call(Interpreter&, Arguments&) override { Fail("not callable"); }
  Value Item(const Value& key) override {
    if (key.is_int()) {
      int64_t i = key.as_int();
      if (i < 0)
        i += static_cast<int64_t>(columns_.size());
      if (i >= 0 && i < static_cast<int64_t>(columns_.size()))
        return columns_[static_cast<size_t>(i)];
      return Value::MakeUndefined(key.Str());
    }
    for (const Value& c : columns_) {
      if (c.as_object()->name() == key.Str())
        return c;
    }
    return Value::MakeUndefined(key.Str());
  }
  Value Attr(const std::string& n) override {
    List cols = columns_;
    if (n == "keys")
      return Fn("keys", [cols](Interpreter&, Arguments&) {
        List out;
        for (const Value& c : cols)
          out.emplace_back(c.as_object()->name());
        return Value(out);
      });
    if (n == "values")
      return Fn("values", [cols](Interpreter&, Arguments&) { return Value(cols); });
    return Value::MakeUndefined(n);
  }

 private:
  List columns_;
};

class AgateTable : public Callable {
 public:
  explicit AgateTable(const QueryTable& t) {
    List rows;
    for (const auto& r : t.rows)
      rows.emplace_back(List(r.begin(), r.end()), true);
    rows_ = Value(std::move(rows));
    List cols;
    List names;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      List values;
      for (const auto& r : t.rows)
        values.push_back(i < r.size() ? r[i] : None());
      cols.emplace_back(std::shared_ptr<Callable>(std::make_shared<AgateColumn>(
          t.columns[i], i < t.types.size() ? t.types[i] : "", std::move(values))));
      names.emplace_back(t.columns[i]);
    }
    columns_ = Value(std::shared_ptr<Callable>(std::make_shared<ColumnList>(std::move(cols))));
    names_ = Value(std::move(names), true);
    text_ = t.text;
  }
  std::string name() const override { return "Table"; }
  std::string type_name() const override { return "Table"; }
  bool callable() const override { return false; }
  bool Elements(List* out) const override {  // a table iterates its rows
    *out = rows_.as_list();
    return true;
  }
  Value Call(Interpreter&, Arguments&) override { Fail("'Table' object is not callable"); }
  Value Attr(const std::string& n) override {
    if (n == "rows")
      return rows_;
    if (n == "columns")
      return columns_;
    if (n == "column_names")
      return names_;
    if (n == "print_table")
      return Fn("print_table", [](Interpreter&, Arguments&) { return Value(""); });
    return Value::MakeUndefined(n);
  }
  Value Item(const Value& key) override {
    if (key.is_int()) {
      const List& rows = rows_.as_list();
      int64_t i = key.as_int();
      if (i >= 0 && i < static_cast<int64_t>(rows.size()))
        return rows[static_cast<size_t>(i)];
    }
    return Callable::Item(key);
  }
  Value rows_, columns_, names_;
  std::shared_ptr<const std::vector<std::vector<std::optional<std::string>>>> text_;
};

}  // namespace

const std::vector<std::vector<std::optional<std::string>>>* TableText(const Value& table) {
  auto* t = table.is_object() ? dynamic_cast<AgateTable*>(table.as_object().get()) : nullptr;
  return t != nullptr ? t->text_.get() : nullptr;
}

namespace {

// ---------------------------------------------------------------------------------------------
// The per-node state shared by the node's functions.

struct NodeState {
  Session* session;
  Node* node;
  Phase phase;
  Dict results;                                 // load_result / store_result
  std::vector<std::string> ephemerals;          // unique_ids of ephemeral refs, in order
  std::vector<const jinja::Stmt*> macro_calls;  // while parsing: macros called by the node itself
};

// dbt's depends_on.macros of a parsed node: the macros its own code called (not those the
// macros called), in the order of their first call.
// Compiling adds the calls made then (a test's get_where_subquery, code under `execute`).
void RecordMacroCalls(const Session& session, Node& node, const NodeState& state) {
  bool added = false;
  for (const jinja::Stmt* stmt : state.macro_calls) {
    const Macro* m = session.macros->ByStatement(stmt);
    if (m != nullptr && std::find(node.depends_macros.begin(), node.depends_macros.end(),
                                  m->unique_id) == node.depends_macros.end()) {
      node.depends_macros.push_back(m->unique_id);
      added = true;
    }
  }
  Value* dep = node.data.is_dict() ? node.data.as_dict().Find(Value("depends_on")) : nullptr;
  if (added && state.phase == Phase::kCompile && dep != nullptr && dep->is_dict())
    dep->as_dict().Set(Value("macros"), MacroIdsValue(node.depends_macros));
}

// The quote policy of a relation: all parts quoted (dbt-duckdb's default), then the root
// project's `quoting:` (models, seeds, snapshots) or the source's and table's (sources).
void ApplyQuoting(Relation& r, const Value& quoting) {
  if (!quoting.is_dict())
    return;
  auto flag = [&](const char* k, bool& out) {
    const Value* v = quoting.as_dict().FindKey(k);
    if (v && v->is_bool())
      out = v->as_bool();
  };
  flag("database", r.quote_database);
  flag("schema", r.quote_schema);
  flag("identifier", r.quote_identifier);
}

Value RelationForNode(const Node& n, const Value& project_quoting) {
  auto get = [&](const char* key) {
    const Value* v = n.data.as_dict().FindKey(key);
    return v && v->is_string() ? v->Str() : std::string();
  };
  if (n.resource_type == "source") {
    Value rel = MakeRelation(get("database"), get("schema"), get("identifier"), "table");
    auto* r = static_cast<Relation*>(rel.as_object().get());
    // Sources take their own quoting only (the project's `quoting:` does not reach them).
    if (const Value* q = n.data.as_dict().FindKey("quoting"))
      ApplyQuoting(*r, *q);
    return rel;
  }
  ShortName type = n.materialized();
  if (type == "ephemeral")
    return MakeRelation("", "", "__dbt__cte__" + n.name, "cte", true);
  if (type == "incremental" || type == "seed" || type == "snapshot")
    type = "table";
  Value rel = MakeRelation(get("database"), get("schema"), get("alias"), type);
  ApplyQuoting(*static_cast<Relation*>(rel.as_object().get()), project_quoting);
  return rel;
}

// A ref or source as the node reads it: under --empty, an empty subquery of the relation.
Value ReadRelation(const Node& n, const Project& project) {
  Value rel = RelationForNode(n, project.root().quoting);
  if (project.invocation.empty && !n.is_ephemeral()) {
    auto* r = static_cast<Relation*>(rel.as_object().get());
    r->limit = 0;
    r->limit_alias = project.target.type() != "duckdb";
  }
  return rel;
}

// What a unit test's copy of its model reads for a ref or source: the input's fixture CTE.
Value FixtureRelation(Node& n, std::string_view input_id, const std::string& what = "") {
  UnitTestFixtures& f = *n.fixtures;
  auto it = f.cte_by_node.find(input_id);
  if (it == f.cte_by_node.end()) {
    Fail("Unit_Test '" + n.unique_id + "' (" + n.original_file_path + ") depends on a " + what +
         " which was not found");
  }
  if (std::find(f.used.begin(), f.used.end(), it->first) == f.used.end())
    f.used.push_back(it->first);
  return MakeRelation("", "", it->second, "cte", true);
}

// The node a render is for (NodeFunctions find it through the interpreter).
NodeState& StateOf(Interpreter& in) {
  auto* state = static_cast<NodeState*>(in.host());
  if (state == nullptr)
    Fail("this function is only available while rendering a node");
  return *state;
}

// `config`: config(...) records the node's config() call while parsing; config.get/require/
// set/persist_*_docs read or change the node's config. One object for every node.
class ConfigObject : public Callable {
 public:
  ConfigObject() {
    methods_.Append(Value("get"), Fn("get", [](Interpreter& in, Arguments& a) -> Value {
                      NodeState& state = StateOf(in);
                      Value key = a.Get(0, "name");
                      Value fallback = a.Get(1, "default", None());
                      if (state.phase == Phase::kParse)
                        return fallback.is_none() ? Value("") : fallback;
                      const Value* v = state.node->config ? state.node->config->Find(key) : nullptr;
                      if (v == nullptr)
                        return fallback;
                      return *v;
                    }));
    methods_.Append(Value("require"), Fn("require", [](Interpreter& in, Arguments& a) -> Value {
                      NodeState& state = StateOf(in);
                      Value key = a.Get(0, "name");
                      if (state.phase == Phase::kParse)
                        return Value("");
                      const Value* v = state.node->config ? state.node->config->Find(key) : nullptr;
                      if (v == nullptr || v->is_none())
                        Fail("Required config key '" + key.Str() + "' not provided for model '" +
                             state.node->name + "'");
                      return *v;
                    }));
    methods_.Append(Value("set"), Fn("set", [](Interpreter& in, Arguments& a) {
                      NodeState& state = StateOf(in);
                      if (state.phase == Phase::kParse) {
                        Node& node = *state.node;
                        if (!node.config_call.is_dict())
                          node.config_call = Value(Dict());
                        node.config_call.as_dict().Set(a.Get(0, "name"), a.Get(1, "value"));
                      }
                      return Value("");
                    }));
    for (const char* name : {"persist_relation_docs", "persist_column_docs"}) {
      std::string n = name;
      methods_.Append(
          Value(n), Fn(n, [n](Interpreter& in, Arguments&) -> Value {
            NodeState& state = StateOf(in);
            const Value* pd =
                state.node->config ? state.node->config->FindKey("persist_docs") : nullptr;
            if (pd == nullptr || !pd->is_dict())
              return Value(false);
            const Value* v =
                pd->as_dict().FindKey(n == "persist_relation_docs" ? "relation" : "columns");
            return Value(v != nullptr && v->Truthy());
          }));
    }
  }
  std::string name() const override { return "config"; }
  Value Call(Interpreter& in, Arguments& args) override {
    NodeState& state = StateOf(in);
    Node& node = *state.node;
    if (state.phase != Phase::kParse)
      return Value("");
    if (!node.config_call.is_dict())
      node.config_call = Value(Dict());
    Dict& call = node.config_call.as_dict();
    if (!node.config_call_written.is_dict())
      node.config_call_written = Value(Dict());
    Dict& written = node.config_call_written.as_dict();
    auto merge = [&](const std::string& key, const Value& v) {
      // as written: later calls replace, only the hook names are dbt's
      written.Set(Value(key == "pre_hook"    ? "pre-hook"
                        : key == "post_hook" ? "post-hook"
                                             : key),
                  v);
      if (key == "tags" || key == "pre_hook" || key == "post_hook" || key == "pre-hook" ||
          key == "post-hook") {
        std::string k = key == "pre_hook" ? "pre-hook" : key == "post_hook" ? "post-hook" : key;
        Value* existing = call.Find(Value(k));
        List items = existing && existing->is_list() ? existing->as_list() : List{};
        if (v.is_list()) {
          for (const Value& i : v.as_list())
            items.push_back(i);
        } else {
          items.push_back(v);
        }
        call.Set(Value(k), Value(items));
        return;
      }
      call.Set(Value(key), v);
    };
    for (const Value& p : args.positional) {
      if (p.is_dict()) {
        for (const auto& [k, v] : p.as_dict().entries())
          merge(k.Str(), v);
      }
    }
    for (auto& [k, v] : args.keywords)
      merge(k, v);
    return Value("");
  }
  Value Attr(const std::string& n) override {
    const Value* method = methods_.FindKey(n);
    return method != nullptr ? *method : Value::MakeUndefined(n);
  }

 private:
  Dict methods_;  // read-only once built
};

// ---------------------------------------------------------------------------------------------
// Variables

const Value* FindVar(const Project& project, const std::string& package, const std::string& name) {
  if (project.cli_vars.is_dict()) {
    if (const Value* v = project.cli_vars.as_dict().FindKey(name))
      return v;
  }
  const Package& root = project.root();
  if (root.vars.is_dict()) {
    if (const Value* scoped = root.vars.as_dict().FindKey(package); scoped && scoped->is_dict()) {
      if (const Value* v = scoped->as_dict().FindKey(name))
        return v;
    }
    if (const Value* v = root.vars.as_dict().FindKey(name)) {
      if (project.FindPackage(name) == nullptr)
        return v;
    }
  }
  if (package != root.name) {
    if (const Package* pkg = project.FindPackage(package); pkg && pkg->vars.is_dict()) {
      if (const Value* scoped = pkg->vars.as_dict().FindKey(package); scoped && scoped->is_dict()) {
        if (const Value* v = scoped->as_dict().FindKey(name))
          return v;
      }
      if (const Value* v = pkg->vars.as_dict().FindKey(name))
        return v;
    }
  }
  return nullptr;
}

Value VarFunction(const Project* project, std::string package, std::string node_name) {
  return Fn("var", [project, package, node_name](Interpreter&, Arguments& a) -> Value {
    std::string name = a.Get(0, "name").Str();
    if (const Value* v = FindVar(*project, package, name))
      return *v;
    if (a.Has(1, "default"))
      return a.Get(1, "default");
    Fail("Required var '" + name + "' not found in config:\nVars supplied to " +
         (node_name.empty() ? std::string("<Configuration>") : node_name) + " = {}");
  });
}

// ---------------------------------------------------------------------------------------------
// modules.re (Python's re on std::regex, ECMAScript flavour)

std::regex MakeRegex(const std::string& pattern, int64_t flags) {
  auto f = std::regex::ECMAScript;
  if (flags & 2)
    f |= std::regex::icase;
  std::string p = pattern;
  // Python's (?P<name>…) groups and \A \Z anchors.
  p = std::regex_replace(p, std::regex(R"(\(\?P<[A-Za-z_][A-Za-z0-9_]*>)"), "(");
  try {
    return std::regex(p, f);
  } catch (const std::regex_error& e) {
    Fail("invalid regular expression '" + pattern + "': " + e.what());
  }
}

Value MatchObject(const std::smatch& m) {
  List groups;
  for (size_t i = 1; i < m.size(); ++i)
    groups.push_back(m[i].matched ? Value(m[i].str()) : None());
  Dict d;
  std::string whole = m[0].str();
  d.Set(Value("group"), Fn("group", [whole, groups](Interpreter&, Arguments& a) -> Value {
          int64_t i = a.positional.empty() ? 0 : a.positional[0].as_int();
          if (i == 0)
            return Value(whole);
          return static_cast<size_t>(i) <= groups.size() ? groups[static_cast<size_t>(i - 1)]
                                                         : None();
        }));
  d.Set(Value("groups"),
        Fn("groups", [groups](Interpreter&, Arguments&) { return Value(groups, true); }));
  return Value(std::move(d));
}

// Python replacement strings use \1 and \g<1>; ECMAScript uses $1.
std::string PythonReplacement(const std::string& repl) {
  std::string out;
  for (size_t i = 0; i < repl.size(); ++i) {
    if (repl[i] == '\\' && i + 1 < repl.size() &&
        isdigit(static_cast<unsigned char>(repl[i + 1]))) {
      out += '$';
      out += repl[++i];
    } else if (repl[i] == '$') {
      out += "$$";
    } else if (repl[i] == '\\' && i + 1 < repl.size() && repl[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else {
      out += repl[i];
    }
  }
  return out;
}

Value ReModule() {
  Dict re;
  re.Set(Value("IGNORECASE"), Value(2));
  re.Set(Value("I"), Value(2));
  re.Set(Value("MULTILINE"), Value(8));
  re.Set(Value("M"), Value(8));
  re.Set(Value("DOTALL"), Value(16));
  re.Set(Value("S"), Value(16));
  auto flags = [](Arguments& a, size_t index) {
    Value f = a.Get(index, "flags", Value(0));
    return f.is_int() ? f.as_int() : 0;
  };
  re.Set(Value("sub"), Fn("sub", [flags](Interpreter&, Arguments& a) {
           std::regex rx = MakeRegex(a.Get(0, "pattern").Str(), flags(a, 4));
           std::string s = a.Get(2, "string").Str();
           int64_t count = a.Get(3, "count", Value(0)).as_int();
           auto mode = count == 1 ? std::regex_constants::format_first_only
                                  : std::regex_constants::format_default;
           return Value(std::regex_replace(s, rx, PythonReplacement(a.Get(1, "repl").Str()), mode));
         }));
  re.Set(Value("match"), Fn("match", [flags](Interpreter&, Arguments& a) -> Value {
           std::regex rx = MakeRegex(a.Get(0, "pattern").Str(), flags(a, 2));
           std::string s = a.Get(1, "string").Str();
           std::smatch m;
           if (std::regex_search(s, m, rx, std::regex_constants::match_continuous))
             return MatchObject(m);
           return None();
         }));
  re.Set(Value("fullmatch"), Fn("fullmatch", [flags](Interpreter&, Arguments& a) -> Value {
           std::regex rx = MakeRegex(a.Get(0, "pattern").Str(), flags(a, 2));
           std::string s = a.Get(1, "string").Str();
           std::smatch m;
           if (std::regex_match(s, m, rx))
             return MatchObject(m);
           return None();
         }));
  re.Set(Value("search"), Fn("search", [flags](Interpreter&, Arguments& a) -> Value {
           std::regex rx = MakeRegex(a.Get(0, "pattern").Str(), flags(a, 2));
           std::string s = a.Get(1, "string").Str();
           std::smatch m;
           if (std::regex_search(s, m, rx))
             return MatchObject(m);
           return None();
         }));
  re.Set(Value("findall"), Fn("findall", [flags](Interpreter&, Arguments& a) {
           std::regex rx = MakeRegex(a.Get(0, "pattern").Str(), flags(a, 2));
           std::string s = a.Get(1, "string").Str();
           List out;
           for (auto it = std::sregex_iterator(s.begin(), s.end(), rx);
                it != std::sregex_iterator(); ++it) {
             const std::smatch& m = *it;
             if (m.size() == 1) {
               out.emplace_back(m[0].str());
             } else if (m.size() == 2) {
               out.emplace_back(m[1].str());
             } else {
               List groups;
               for (size_t i = 1; i < m.size(); ++i)
                 groups.emplace_back(m[i].str());
               out.emplace_back(groups, true);
             }
           }
           return Value(out);
         }));
  re.Set(Value("split"), Fn("split", [flags](Interpreter&, Arguments& a) {
           std::regex rx = MakeRegex(a.Get(0, "pattern").Str(), flags(a, 3));
           std::string s = a.Get(1, "string").Str();
           List out;
           std::sregex_token_iterator it(s.begin(), s.end(), rx, -1), end;
           for (; it != end; ++it)
             out.emplace_back(it->str());
           return Value(out);
         }));
  re.Set(Value("escape"), Fn("escape", [](Interpreter&, Arguments& a) {
           std::string s = a.Get(0, "pattern").Str();
           std::string out;
           for (char c : s) {
             if (!isalnum(static_cast<unsigned char>(c)) && c != '_' &&
                 static_cast<unsigned char>(c) < 0x80)
               out += '\\';
             out += c;
           }
           return Value(out);
         }));
  return Value(std::move(re));
}

// ---------------------------------------------------------------------------------------------
// The adapter object

Engine& EngineOf(Session* session) {
  if (session->engine == nullptr)
    Fail("no database connection to run a query at compile time");
  return *session->engine;
}

// dbt's AdapterResponse: the engine's command status (PostgreSQL's "INSERT 0 5"), or "OK".
Value AdapterResponse(const QueryTable& table) {
  Dict response;
  if (table.status.empty()) {
    response.Set(Value("_message"), Value("OK"));
    return Value(std::move(response));
  }
  response.Set(Value("_message"), Value(table.status));
  response.Set(Value("code"), Value(table.status.substr(0, table.status.find(' '))));
  response.Set(Value("rows_affected"),
               table.rows_affected >= 0 ? Value(table.rows_affected) : None());
  return Value(std::move(response));
}

Value ExecuteSql(Session* session, const std::string& sql, bool fetch, bool auto_begin) {
  QueryTable table;
  std::string error;
  if (!EngineOf(session).Execute(sql, &table, &error, auto_begin))
    Fail("Runtime Error\n  " + error);
  Value response = AdapterResponse(table);
  if (!fetch)
    table = QueryTable{};
  Value agate(std::shared_ptr<Callable>(std::make_shared<AgateTable>(table)));
  return Value(List{std::move(response), agate}, true);
}

// Runs a statement the adapter builds itself (drops, renames): inside the thread's transaction.
void RunAdapterSql(Session* session, const std::string& sql) {
  std::string error;
  if (!EngineOf(session).Execute(sql, nullptr, &error, true))
    Fail("Runtime Error\n  " + error);
}

Relation* AsRelation(const Value& v) {
  return v.is_object() ? dynamic_cast<Relation*>(v.as_object().get()) : nullptr;
}

Relation& RelationArg(const Value& v, const char* function) {
  Relation* r = AsRelation(v);
  if (r == nullptr)
    Fail(std::string("adapter.") + function + ": expected a relation, got " + v.Repr());
  return *r;
}

Value Dispatch(Session* session, Interpreter& in, const std::string& macro_name, const Value& ns) {
  if (macro_name.find('.') != std::string::npos) {
    Fail("In adapter.dispatch, got a string name with a \".\" in it: '" + macro_name +
         "'. Pass the package as macro_namespace instead.");
  }
  const Project& project = *session->project;
  const MacroIndex& macros = *session->macros;
  std::vector<std::string> prefixes = {project.target.type() + "__", "default__"};
  std::vector<std::string> search;
  bool by_name = false;
  if (ns.is_string()) {
    std::string space(ns.as_string());
    bool configured = false;
    for (const auto& pkg : project.packages) {
      if (!pkg->root || !pkg->dispatch.is_list())
        continue;
      for (const Value& d : pkg->dispatch.as_list()) {
        if (!d.is_dict())
          continue;
        const Value* n = d.as_dict().FindKey("macro_namespace");
        const Value* order = d.as_dict().FindKey("search_order");
        if (n && n->Str() == space && order && order->is_list()) {
          for (const Value& o : order->as_list())
            search.push_back(o.Str());
          configured = true;
        }
      }
    }
    if (!configured) {
      if (space == "dbt" || project.FindPackage(space) != nullptr) {
        search = {project.root().name, space};
      } else {
        by_name = true;
      }
    }
  } else {
    by_name = true;
  }
  std::vector<std::string> searched;
  if (by_name) {
    for (const std::string& prefix : prefixes) {
      std::string full = prefix + macro_name;
      searched.push_back(full);
      Value v = in.Lookup(full);
      if (v.is_callable())
        return v;
    }
  } else {
    for (const std::string& pkg : search) {
      for (const std::string& prefix : prefixes) {
        std::string full = prefix + macro_name;
        const Macro* m = pkg == "dbt" ? macros.FindInternal(full) : macros.Find(pkg, full);
        searched.push_back(pkg + "." + full);
        if (m != nullptr)
          return m->callable;
      }
    }
  }
  std::string list;
  for (const std::string& s : searched)
    list += (list.empty() ? "" : ", ") + ("'" + s + "'");
  Fail("In dispatch: No macro named '" + macro_name + "' found within namespace: '" +
       (ns.is_string() ? ns.Str() : std::string("None")) + "'\n    Searched for: " + list);
}

// dbt's Column: name, data type and the predicates materializations ask of them.
class ColumnObject : public Callable {
 public:
  // `sizes`: character_maximum_length, numeric_precision, numeric_scale (None when unknown);
  // `postgres`: text and unsized varchar keep their name in data_type (dbt-postgres' column).
  ColumnObject(std::string name, std::string type, List sizes = {}, bool postgres = false)
      : name_(std::move(name)),
        type_(std::move(type)),
        sizes_(std::move(sizes)),
        postgres_(postgres) {}
  std::string name() const override { return name_; }
  std::string type_name() const override { return "Column"; }
  bool callable() const override { return false; }
  std::string repr() const override { return "<Column " + name_ + " (" + type_ + ")>"; }
  Value Call(Interpreter&, Arguments&) override { Fail("'Column' object is not callable"); }
  Value Attr(const std::string& n) override {
    if (n == "name" || n == "column")
      return Value(name_);
    if (n == "dtype")
      return Value(type_);
    if (n == "data_type")
      return Value(DataType());
    if (n == "quoted")
      return Value(Quote(name_));
    std::string upper;
    for (char c : type_)
      upper += static_cast<char>(toupper(static_cast<unsigned char>(c)));
    auto starts = [&](const char* p) { return upper.rfind(p, 0) == 0; };
    bool integer = starts("INT") || starts("BIGINT") || starts("SMALLINT") || starts("TINYINT") ||
                   starts("HUGEINT") || starts("UINT") || starts("UBIGINT") ||
                   starts("USMALLINT") || starts("UTINYINT") || starts("SERIAL") ||
                   starts("BIGSERIAL");
    bool floating = starts("FLOAT") || starts("DOUBLE") || starts("REAL");
    bool numeric = starts("DECIMAL") || starts("NUMERIC");
    bool string = starts("VARCHAR") || starts("TEXT") || starts("CHAR") || starts("STRING") ||
                  starts("CHARACTER");
    auto predicate = [](bool v) {
      return Fn("predicate", [v](Interpreter&, Arguments&) { return Value(v); });
    };
    if (n == "is_string")
      return predicate(string);
    if (n == "is_integer")
      return predicate(integer);
    if (n == "is_float")
      return predicate(floating);
    if (n == "is_numeric")
      return predicate(numeric);
    if (n == "is_number")
      return predicate(integer || floating || numeric);
    if (n == "string_size")
      return Fn("string_size", [](Interpreter&, Arguments&) { return Value(int64_t{256}); });
    if (n == "char_size")
      return Size(0);
    if (n == "numeric_precision")
      return Size(1);
    if (n == "numeric_scale")
      return Size(2);
    return Value::MakeUndefined(n);
  }
  Value Item(const Value& key) override { return Attr(key.Str()); }

 private:
  Value Size(size_t i) const { return i < sizes_.size() ? sizes_[i] : None(); }
  // dbt's Column.data_type: strings as character varying(<size, 256 unknown>), numeric and
  // decimal with their precision and scale when both are known, anything else as named.
  std::string DataType() const {
    std::string lower = AsciiLower(type_);
    if (lower == "text" || lower == "character varying" || lower == "character" ||
        lower == "varchar") {
      if (postgres_ && (lower == "text" || (lower == "character varying" && Size(0).is_none())))
        return type_;
      Value size = Size(0);
      return "character varying(" + (lower == "text" || !size.is_int() ? "256" : size.Str()) + ")";
    }
    if ((lower == "numeric" || lower == "decimal") && Size(1).is_int() && Size(2).is_int())
      return type_ + "(" + Size(1).Str() + "," + Size(2).Str() + ")";
    return type_;
  }
  std::string name_, type_;
  List sizes_;
  bool postgres_;
};

Value MakeColumn(const std::string& name, const std::string& type, List sizes = {},
                 bool postgres = false) {
  return Value(std::shared_ptr<Callable>(
      std::make_shared<ColumnObject>(name, type, std::move(sizes), postgres)));
}

Value ColumnsOf(Session* session, const Value& relation) {
  Relation* rel = AsRelation(relation);
  if (session->engine == nullptr || rel == nullptr || rel->cte)
    return Value(List{});
  std::string sql =
      "select column_name, data_type, character_maximum_length, numeric_precision, "
      "numeric_scale from information_schema.columns where table_name = " +
      SqlString(rel->identifier) +
      (rel->schema.empty() ? "" : " and table_schema = " + SqlString(rel->schema)) +
      (rel->database.empty() ? "" : " and table_catalog = " + SqlString(rel->database)) +
      " order by ordinal_position";
  QueryTable table;
  std::string error;
  if (!session->engine->Execute(sql, &table, &error))
    Fail("Runtime Error\n  " + error);
  bool postgres = session->project->target.type() == "postgres";
  List cols;
  for (const auto& row : table.rows) {
    List sizes;
    for (size_t i = 2; i < 5; ++i) {
      // integers (PostgreSQL's information_schema gives them as its cardinal_number domain)
      const Value& v = row[i];
      sizes.push_back(v.is_string() && !v.Str().empty() && isdigit(v.Str()[0])
                          ? Value(static_cast<int64_t>(std::stoll(v.Str())))
                          : v);
    }
    cols.push_back(MakeColumn(row[0].Str(), row[1].Str(), std::move(sizes), postgres));
  }
  return Value(cols);
}

// adapter.behavior.<flag>: true or false as dbt_project.yml `flags:` sets it (default false);
// `.no_warn` and `.setting` give the value too.
class BehaviorFlag : public Callable {
 public:
  explicit BehaviorFlag(bool on) : on_(on) {}
  std::string name() const override { return "BehaviorFlag"; }
  bool callable() const override { return false; }
  bool truthy() const override { return on_; }
  std::string str() const override { return on_ ? "True" : "False"; }
  Value Call(Interpreter&, Arguments&) override { Fail("'BehaviorFlag' object is not callable"); }
  Value Attr(const std::string& n) override {
    if (n == "no_warn" || n == "setting")
      return Value(on_);
    return Value::MakeUndefined(n);
  }

 private:
  bool on_;
};

Value BehaviorFlags(const Project& project) {
  Dict flags;
  for (const char* name : {"require_batched_execution_for_custom_microbatch_strategy",
                           "enable_truthy_nulls_equals_macro"}) {
    bool on = false;
    if (project.root().flags.is_dict()) {
      if (const Value* v = project.root().flags.as_dict().FindKey(name))
        on = v->Truthy();
    }
    flags.Set(Value(name), Value(std::shared_ptr<Callable>(std::make_shared<BehaviorFlag>(on))));
  }
  return Value(std::move(flags));
}

Value AdapterObject(Session* session, Phase phase) {
  Dict a;
  a.Set(Value("dispatch"), Fn("dispatch", [session](Interpreter& in, Arguments& args) {
          return Dispatch(session, in, args.Get(0, "macro_name").Str(),
                          args.Get(1, "macro_namespace", None()));
        }));
  a.Set(Value("quote"), Fn("quote", [](Interpreter&, Arguments& args) {
          return Value(Quote(args.Get(0, "identifier").Str()));
        }));
  a.Set(Value("quote_seed_column"), Fn("quote_seed_column", [](Interpreter&, Arguments& args) {
          Value q = args.Get(1, "quote_config", None());
          std::string c = args.Get(0, "column").Str();
          return Value(q.is_none() || q.Truthy() ? Quote(c) : c);
        }));
  a.Set(Value("quote_as_configured"), Fn("quote_as_configured", [](Interpreter&, Arguments& args) {
          return Value(Quote(args.Get(0, "identifier").Str()));
        }));
  std::string type = session->project->target.type();
  a.Set(Value("type"), Fn("type", [type](Interpreter&, Arguments&) { return Value(type); }));
  a.Set(Value("get_relation"), Fn("get_relation", [session, phase](Interpreter&, Arguments& args) {
          if (phase == Phase::kParse || session->engine == nullptr)
            return None();
          std::string db = args.Get(0, "database").Str();
          std::string schema = args.Get(1, "schema").Str();
          std::string id = args.Get(2, "identifier").Str();
          std::string error;
          std::optional<std::string> kind = session->engine->RelationType(db, schema, id, &error);
          if (!error.empty())
            Fail("Runtime Error\n  " + error);
          if (!kind)
            return None();
          return MakeRelation(db, schema, id, *kind);
        }));
  a.Set(Value("load_relation"),
        Fn("load_relation", [session, phase](Interpreter&, Arguments& args) {
          Value v = args.Get(0, "relation");
          Relation* r = AsRelation(v);
          if (phase == Phase::kParse || session->engine == nullptr || r == nullptr || r->cte)
            return v;
          std::string error;
          std::optional<std::string> kind =
              session->engine->RelationType(r->database, r->schema, r->identifier, &error);
          if (!kind)
            return None();
          auto copy = r->Copy();
          copy->type = *kind;
          return FixSelf(copy);
        }));
  a.Set(Value("list_relations"), Fn("list_relations", [session](Interpreter&, Arguments& args) {
          std::string db = args.Get(0, "database").Str();
          std::string schema = args.Get(1, "schema").Str();
          std::string error;
          List out;
          for (const auto& [id, type] : EngineOf(session).ListRelations(db, schema, &error))
            out.push_back(MakeRelation(db, schema, id, type));
          if (!error.empty())
            Fail("Runtime Error\n  " + error);
          return Value(out);
        }));
  a.Set(Value("get_columns_in_relation"),
        Fn("get_columns_in_relation", [session, phase](Interpreter&, Arguments& args) {
          if (phase == Phase::kParse)
            return Value(List{});
          return ColumnsOf(session, args.Get(0, "relation"));
        }));
  a.Set(Value("get_column_schema_from_query"),
        Fn("get_column_schema_from_query", [session, phase](Interpreter&, Arguments& args) {
          // the columns of a query's result, typed as the engine reports them
          if (phase == Phase::kParse)
            return Value(List{});
          QueryTable table;
          std::string error;
          if (!EngineOf(session).Execute(args.Get(0, "sql").Str(), &table, &error))
            Fail("Runtime Error\n  " + error);
          List cols;
          for (size_t i = 0; i < table.columns.size(); ++i)
            cols.push_back(
                MakeColumn(table.columns[i], i < table.types.size() ? table.types[i] : ""));
          return Value(cols);
        }));
  a.Set(Value("get_missing_columns"),
        Fn("get_missing_columns", [session](Interpreter&, Arguments& args) {
          // The columns of from_relation that to_relation lacks (names compared ignoring case).
          Value from = ColumnsOf(session, args.Get(0, "from_relation"));
          Value to = ColumnsOf(session, args.Get(1, "to_relation"));
          std::set<std::string> have;
          for (const Value& c : to.as_list())
            have.insert(AsciiLower(c.as_object()->name()));
          List out;
          for (const Value& c : from.as_list()) {
            if (have.count(AsciiLower(c.as_object()->name())) == 0)
              out.push_back(c);
          }
          return Value(out);
        }));
  a.Set(Value("Column"), Fn("Column", [](Interpreter&, Arguments& args) {
          return MakeColumn(args.Get(0, "column").Str(), args.Get(1, "dtype").Str());
        }));
  a.Set(Value("expand_target_column_types"),
        Fn("expand_target_column_types", [](Interpreter&, Arguments&) { return None(); }));
  a.Set(Value("execute"), Fn("execute", [session, phase](Interpreter&, Arguments& args) {
          if (phase == Phase::kParse)
            Fail("adapter.execute called while parsing");
          return ExecuteSql(session, args.Get(0, "sql").Str(),
                            args.Get(2, "fetch", Value(false)).Truthy(),
                            args.Get(1, "auto_begin", Value(false)).Truthy());
        }));
  a.Set(Value("add_query"), Fn("add_query", [session](Interpreter&, Arguments& args) {
          return ExecuteSql(session, args.Get(0, "sql").Str(), false,
                            args.Get(2, "auto_begin", Value(true)).Truthy());
        }));
  a.Set(Value("commit"), Fn("commit", [session, phase](Interpreter&, Arguments&) {
          std::string error;
          if (phase == Phase::kCompile && session->engine != nullptr &&
              !session->engine->Commit(&error))
            Fail("Runtime Error\n  " + error);
          return None();
        }));
  a.Set(Value("drop_relation"), Fn("drop_relation", [session](Interpreter&, Arguments& args) {
          Relation& r = RelationArg(args.Get(0, "relation"), "drop_relation");
          if (r.cte)
            return None();
          RunAdapterSql(session, "drop " + (r.type.empty() ? std::string("table") : r.type) +
                                     " if exists " + r.Render() + " cascade");
          EngineOf(session).CacheForgetAll();  // with the views that depended on it
          return None();
        }));
  a.Set(Value("truncate_relation"),
        Fn("truncate_relation", [session](Interpreter&, Arguments& args) {
          Relation& r = RelationArg(args.Get(0, "relation"), "truncate_relation");
          RunAdapterSql(session, "truncate table " + r.Render());
          return None();
        }));
  a.Set(Value("rename_relation"), Fn("rename_relation", [session](Interpreter&, Arguments& args) {
          Relation& from = RelationArg(args.Get(0, "from_relation"), "rename_relation");
          Relation& to = RelationArg(args.Get(1, "to_relation"), "rename_relation");
          RunAdapterSql(session, "alter " + (from.type.empty() ? std::string("table") : from.type) +
                                     " " + from.Render() + " rename to " + Quote(to.identifier));
          EngineOf(session).CacheRename(from.database, from.schema, from.identifier, to.identifier,
                                        from.type.empty() ? "table" : from.type);
          return None();
        }));
  a.Set(Value("cache_added"), Fn("cache_added", [session](Interpreter&, Arguments& args) {
          Relation& r = RelationArg(args.Get(0, "relation"), "cache_added");
          EngineOf(session).CacheAdd(r.database, r.schema, r.identifier,
                                     r.type.empty() ? "table" : r.type);
          return Value("");
        }));
  a.Set(Value("cache_dropped"), Fn("cache_dropped", [session](Interpreter&, Arguments& args) {
          Relation& r = RelationArg(args.Get(0, "relation"), "cache_dropped");
          EngineOf(session).CacheDrop(r.database, r.schema, r.identifier);
          return Value("");
        }));
  a.Set(Value("cache_renamed"), Fn("cache_renamed", [session](Interpreter&, Arguments& args) {
          Relation& from = RelationArg(args.Get(0, "from_relation"), "cache_renamed");
          Relation& to = RelationArg(args.Get(1, "to_relation"), "cache_renamed");
          EngineOf(session).CacheRename(from.database, from.schema, from.identifier, to.identifier,
                                        from.type.empty() ? "table" : from.type);
          return Value("");
        }));
  a.Set(Value("create_schema"), Fn("create_schema", [](Interpreter& in, Arguments& args) {
          Value rel = args.Get(0, "relation");
          RelationArg(rel, "create_schema");
          Value macro = in.Lookup("create_schema");
          Arguments call;
          call.positional.push_back(rel);
          in.CallValue(macro, call, {});  // its relations are listed when first asked for
          return None();
        }));
  a.Set(Value("drop_schema"), Fn("drop_schema", [session](Interpreter& in, Arguments& args) {
          Value rel = args.Get(0, "relation");
          Relation& r = RelationArg(rel, "drop_schema");
          Value macro = in.Lookup("drop_schema");
          Arguments call;
          call.positional.push_back(rel);
          in.CallValue(macro, call, {});
          EngineOf(session).CacheDropSchema(r.database, r.schema);
          return None();
        }));
  a.Set(Value("get_seed_file_path"),
        Fn("get_seed_file_path", [session](Interpreter& in, Arguments&) {
          return Value(SeedFilePath(*session->project, *StateOf(in).node));
        }));
  a.Set(Value("convert_type"), Fn("convert_type", [](Interpreter&, Arguments& args) {
          Value table = args.Get(0, "agate_table");
          int64_t index = args.Get(1, "col_idx").as_int();
          Value columns = table.is_object() ? table.as_object()->Attr("columns") : None();
          Value column = columns.is_object() ? columns.as_object()->Item(Value(index)) : None();
          Value type = column.is_object() ? column.as_object()->Attr("data_type") : None();
          return type;  // a seed table's columns carry the SQL type dbt would create
        }));
  a.Set(Value("standardize_grants_dict"),
        Fn("standardize_grants_dict", [](Interpreter&, Arguments&) { return Value(Dict()); }));
  a.Set(Value("behavior"), BehaviorFlags(*session->project));
  a.Set(Value("get_binding_char"),
        Fn("get_binding_char", [](Interpreter&, Arguments&) { return Value("?"); }));
  return Value(std::move(a));
}

Value ApiObject() {
  Dict relation;
  relation.Set(Value("create"), Fn("create", [](Interpreter&, Arguments& a) {
                 auto str = [](const Value& v) {
                   return v.is_none() || v.is_undefined() ? "" : v.Str();
                 };
                 Value type = a.Get(3, "type", None());
                 return MakeRelation(str(a.Get(0, "database")), str(a.Get(1, "schema")),
                                     str(a.Get(2, "identifier")), str(type));
               }));
  relation.Set(Value("add_ephemeral_prefix"),
               Fn("add_ephemeral_prefix", [](Interpreter&, Arguments& a) {
                 return Value("__dbt__cte__" + a.Get(0, "name").Str());
               }));
  Dict column;
  column.Set(Value("create"), Fn("create", [](Interpreter&, Arguments& a) {
               Dict c;
               std::string name = a.Get(0, "name").Str();
               c.Set(Value("name"), Value(name));
               c.Set(Value("column"), Value(name));
               c.Set(Value("data_type"), a.Get(1, "label_or_dtype"));
               c.Set(Value("dtype"), a.Get(1, "label_or_dtype"));
               c.Set(Value("quoted"), Value(Quote(name)));
               return Value(std::move(c));
             }));
  // dbt's Column.translate_type: only "string" has a label of its own (TEXT).
  column.Set(Value("translate_type"), Fn("translate_type", [](Interpreter&, Arguments& a) {
               std::string t = a.Get(0, "dtype").Str();
               std::string upper = t;
               for (char& c : upper)
                 c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
               return Value(upper == "STRING" ? std::string("TEXT") : t);
             }));
  column.Set(Value("numeric_type"), Fn("numeric_type", [](Interpreter&, Arguments& a) {
               Value p = a.Get(1, "precision", None());
               Value sc = a.Get(2, "scale", None());
               std::string t = a.Get(0, "dtype").Str();
               if (p.is_none() || sc.is_none())
                 return Value(t);
               return Value(t + "(" + p.Str() + "," + sc.Str() + ")");
             }));
  column.Set(Value("string_type"), Fn("string_type", [](Interpreter&, Arguments& a) {
               return Value("character varying(" + a.Get(0, "size").Str() + ")");
             }));
  Dict api;
  api.Set(Value("Relation"), Value(std::move(relation)));
  api.Set(Value("Column"), Value(std::move(column)));
  return Value(std::move(api));
}

thread_local std::string* t_log_buffer = nullptr;

// One write per line, so that lines of threads that print at once do not mix.
void WriteLogLine(const std::string& line) {
  if (t_log_buffer != nullptr)
    *t_log_buffer += line + "\n";
  else
    std::cerr << line + "\n";
}

Value ExceptionsObject() {
  Dict e;
  e.Set(Value("raise_compiler_error"),
        Fn("raise_compiler_error",
           [](Interpreter&, Arguments& a) -> Value { Fail(a.Get(0, "msg").Str()); }));
  e.Set(Value("raise_not_implemented"),
        Fn("raise_not_implemented",
           [](Interpreter&, Arguments& a) -> Value { Fail(a.Get(0, "msg").Str()); }));
  e.Set(Value("warn"), Fn("warn", [](Interpreter&, Arguments& a) {
          WriteLogLine("Warning: " + a.Get(0, "msg").Str());
          return Value("");
        }));
  for (const char* name :
       {"raise_fail_fast_error", "relation_wrong_type", "missing_config", "missing_materialization",
        "missing_relation", "raise_database_error", "raise_dependency_error",
        "raise_contract_error", "column_type_missing"}) {
    std::string n = name;
    e.Set(Value(n), Fn(n, [n](Interpreter&, Arguments& a) -> Value {
            Fail(n + ": " + (a.positional.empty() ? std::string() : a.positional[0].Str()));
          }));
  }
  return Value(std::move(e));
}

// Python literal text of a value for the native renderer ("1" -> 1, "True" -> True).
Value LiteralOrString(const std::string& s) {
  if (s.empty())
    return Value(s);
  char* end = nullptr;
  long long i = std::strtoll(s.c_str(), &end, 10);
  if (end != nullptr && *end == '\0' && !isspace(static_cast<unsigned char>(s[0])))
    return Value(static_cast<int64_t>(i));
  if (s == "True")
    return Value(true);
  if (s == "False")
    return Value(false);
  if (s == "None")
    return None();
  return Value(s);
}

// Names of a node's render, in dbt's order: macros (the node's package, the root project,
// packages by name, the internal packages), then the node's own context, then the base context.
class MacroResolver : public jinja::NameResolver {
 public:
  // For a node's render: its own values (`node_globals`), then the phase's node functions,
  // which find the node in the interpreter's host (host()).
  MacroResolver(Session& session, std::string package, const Dict* node_globals, NodeState* state)
      : session_(session),
        package_(std::move(package)),
        node_globals_(node_globals),
        state_(state) {}
  NodeState* host() const { return state_; }
  bool Resolve(const std::string& name, Value& out) const override {
    const MacroIndex& m = *session_.macros;
    if (state_ != nullptr && state_->node->fixtures != nullptr) {
      if (const Value* v = state_->node->fixtures->macros.FindKey(name)) {
        out = *v;  // a unit test's override of the macro
        return true;
      }
    }
    if (const Macro* mac = m.Find(package_, name)) {
      out = mac->callable;
      return true;
    }
    const std::string& root = session_.project->root().name;
    if (package_ != root) {
      if (const Macro* mac = m.Find(root, name)) {
        out = mac->callable;
        return true;
      }
    }
    if (const Value* ns = m.PackageNamespace(name)) {
      out = *ns;
      return true;
    }
    if (const Macro* mac = m.FindInternal(name)) {
      out = mac->callable;
      return true;
    }
    if (node_globals_ != nullptr) {
      if (const Value* v = node_globals_->FindKey(name)) {
        out = *v;
        return true;
      }
    }
    if (state_ != nullptr) {
      if (const Value* v = session_.NodeFunctions(state_->phase).FindKey(name)) {
        out = *v;
        return true;
      }
      // A node's `graph` while compiling: dbt's flat graph, built on its first use (a project
      // whose templates never read it never builds it).
      if (name == "graph") {
        out = session_.Graph();
        return true;
      }
    }
    if (const Value* v = session_.base.FindKey(name)) {
      out = *v;
      return true;
    }
    return false;
  }

 private:
  Session& session_;
  std::string package_;
  const Dict* node_globals_;
  NodeState* state_;
};

}  // namespace

// dbt wraps a test argument written as a call of env_var, ref, var, source or doc in {{ }}
// (its regex ^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$).
bool LooksLikeFunction(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && isspace(static_cast<unsigned char>(text[i])))
    ++i;
  size_t word = i;
  while (i < text.size() && (isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
    ++i;
  std::string_view name = std::string_view(text).substr(word, i - word);
  if (name != "env_var" && name != "ref" && name != "var" && name != "source" && name != "doc")
    return false;
  while (i < text.size() && isspace(static_cast<unsigned char>(text[i])))
    ++i;
  if (i >= text.size() || text[i] != '(')
    return false;
  size_t end = text.size();
  while (end > i && isspace(static_cast<unsigned char>(text[end - 1])))
    --end;
  return end > i + 2 && text[end - 1] == ')' && text.find('\n') == std::string::npos;
}

namespace {

// The values of a node's context that are the node's own (its functions are shared:
// Session::NodeFunctions).
Dict NodeGlobals(Session& session, const NodeState* state) {
  Node& node = *state->node;
  Dict g;
  g.Reserve(5);
  g.Append(Value("execute"), Value(state->phase == Phase::kCompile));
  g.Append(Value("model"), node.data);
  const Value* db = node.data.as_dict().FindKey("database");
  const Value* schema = node.data.as_dict().FindKey("schema");
  if (node.fixtures != nullptr && !node.fixtures->this_id.empty()) {
    g.Append(Value("this"), FixtureRelation(node, node.fixtures->this_id));
  } else if (node.is_ephemeral()) {
    // dbt's `this` is the node's database.schema.alias even when it builds no relation (a
    // unit test's fixture reads the columns of its input's relation through it)
    const Value* alias = node.data.as_dict().FindKey("alias");
    Value rel = MakeRelation(db && db->is_string() ? db->Str() : "",
                             schema && schema->is_string() ? schema->Str() : "",
                             alias && alias->is_string() ? alias->Str() : node.name);
    ApplyQuoting(*static_cast<Relation*>(rel.as_object().get()), session.project->root().quoting);
    g.Append(Value("this"), rel);
  } else {
    g.Append(Value("this"), RelationForNode(node, session.project->root().quoting));
  }
  g.Append(Value("database"), db ? *db : None());
  g.Append(Value("schema"), schema ? *schema : None());
  return g;
}

Dict MakeNodeFunctions(Session* s, Phase phase) {
  Dict g;
  Value config(std::shared_ptr<Callable>(std::make_shared<ConfigObject>()));
  g.Set(Value("config"), config);
  const Project* project = s->project;
  g.Set(Value("var"), Fn("var", [project](Interpreter& in, Arguments& a) -> Value {
          const Node& node = *StateOf(in).node;
          std::string name = a.Get(0, "name").Str();
          if (const Value* v = FindVar(*project, node.package, name))
            return *v;
          if (a.Has(1, "default"))
            return a.Get(1, "default");
          Fail("Required var '" + name + "' not found in config:\nVars supplied to " +
               node.unique_id + " = {}");
        }));
  Value ref = Fn("ref", [s](Interpreter& in, Arguments& a) -> Value {
    NodeState& st = StateOf(in);
    RefCall call;
    if (a.positional.size() >= 2) {
      call.package = a.positional[0].Str();
      call.name = a.positional[1].Str();
    } else {
      call.name = a.Get(0, "name").Str();
    }
    call.version = a.Get(99, "version", a.Get(99, "v", None()));
    Node& n = *st.node;
    if (st.phase == Phase::kParse) {
      n.refs.push_back(call);
      return RelationForNode(n, s->project->root().quoting);
    }
    const Node* found = ResolveRefNode(*s->project, n, call);
    if (n.fixtures != nullptr)
      return FixtureRelation(n, found ? found->unique_id : "", "node named '" + call.name + "'");
    if (found == nullptr) {
      Fail("Model '" + n.unique_id + "' (" + n.original_file_path + ") depends on a node named '" +
           call.name + "' which was not found");
    }
    const Node& target = *found;
    if (target.is_ephemeral()) {
      const std::string& id = target.unique_id;
      if (std::find(st.ephemerals.begin(), st.ephemerals.end(), id) == st.ephemerals.end())
        st.ephemerals.push_back(id);
    }
    return ReadRelation(target, *s->project);
  });
  g.Set(Value("ref"), ref);
  Value source = Fn("source", [s](Interpreter& in, Arguments& a) -> Value {
    NodeState& st = StateOf(in);
    std::string src = a.Get(0, "source_name").Str();
    std::string table = a.Get(1, "table_name").Str();
    Node& n = *st.node;
    if (st.phase == Phase::kParse) {
      n.sources.emplace_back(src, table);
      return RelationForNode(n, s->project->root().quoting);
    }
    const Node* found = FindSource(*s->project, n, src, table);
    if (n.fixtures != nullptr)
      return FixtureRelation(n, found ? found->unique_id : "",
                             "source named '" + src + "." + table + "'");
    if (found != nullptr)
      return ReadRelation(*found, *s->project);
    Fail("Model '" + n.unique_id + "' (" + n.original_file_path + ") depends on a source named '" +
         src + "." + table + "' which was not found");
  });
  g.Set(Value("source"), source);
  Dict builtins;
  builtins.Set(Value("ref"), ref);
  builtins.Set(Value("source"), source);
  builtins.Set(Value("config"), config);
  g.Set(Value("builtins"), Value(std::move(builtins)));
  g.Set(Value("adapter"), s->Adapter(phase));
  g.Set(Value("load_result"), Fn("load_result", [](Interpreter& in, Arguments& a) -> Value {
          const Value* v = StateOf(in).results.Find(a.Get(0, "name"));
          return v ? *v : None();
        }));
  g.Set(Value("store_result"), Fn("store_result", [](Interpreter& in, Arguments& a) {
          Dict r;
          r.Set(Value("response"), a.Get(1, "response"));
          Value table = a.Get(2, "agate_table", None());
          r.Set(Value("table"), table);
          List data;
          if (table.is_object()) {
            Value rows = table.as_object()->Attr("rows");
            if (rows.is_list())
              data = rows.as_list();
          }
          r.Set(Value("data"), Value(data));
          StateOf(in).results.Set(a.Get(0, "name"), Value(std::move(r)));
          return Value("");
        }));
  g.Set(Value("store_raw_result"), Fn("store_raw_result", [](Interpreter& in, Arguments& a) {
          Dict r;
          Dict response;
          response.Set(Value("_message"), a.Get(1, "message", None()));
          response.Set(Value("code"), a.Get(2, "code", None()));
          response.Set(Value("rows_affected"), a.Get(3, "rows_affected", None()));
          r.Set(Value("response"), Value(std::move(response)));
          r.Set(Value("table"), a.Get(4, "agate_table", None()));
          r.Set(Value("data"), Value(List{}));
          StateOf(in).results.Set(a.Get(0, "name"), Value(std::move(r)));
          return Value("");
        }));
  // render(text): text rendered in the node's context (hooks are rendered when they run).
  g.Set(Value("render"), Fn("render", [](Interpreter& in, Arguments& a) -> Value {
          NodeState& st = StateOf(in);
          jinja::Template tpl = jinja::Parse(a.Get(0, "string").Str(), st.node->original_file_path);
          Dict globals = NodeGlobals(*st.session, &st);
          MacroResolver resolver(*st.session, st.node->package, &globals, &st);
          Interpreter sub(globals, &resolver);
          sub.set_host(&st);
          return Value(sub.Render(tpl));
        }));
  // write(text): the node's target/run file (dbt writes the SQL of a materialization's `main`
  // statement there).
  g.Set(Value("write"), Fn("write", [s](Interpreter& in, Arguments& a) -> Value {
          NodeState& st = StateOf(in);
          std::string path = st.node->compiled_sql_path();
          path.replace(0, std::string("compiled").size(), "run");
          Diagnostics ignored;  // the run's outcome does not depend on this copy
          WriteFileAtomic(TargetDir(*s->project) + "/" + path, a.Get(0, "payload").Str(), ignored,
                          false);
          return Value("");
        }));
  // load_agate_table(): a seed's CSV with dbt's type inference (its SQL types per column).
  g.Set(Value("load_agate_table"),
        Fn("load_agate_table", [s](Interpreter& in, Arguments&) -> Value {
          NodeState& st = StateOf(in);
          const Node& n = *st.node;
          const Value* delimiter = n.config ? n.config->FindKey("delimiter") : nullptr;
          const Value* column_types = n.config ? n.config->FindKey("column_types") : nullptr;
          std::string error;
          std::optional<QueryTable> table =
              LoadSeedTable(SeedFilePath(*s->project, n), delimiter ? delimiter->Str() : ",",
                            column_types ? *column_types : None(), &error);
          if (!table)
            Fail("Runtime Error in seed " + n.name + " (" + n.original_file_path + ")\n  " + error);
          return Value(std::shared_ptr<Callable>(std::make_shared<AgateTable>(*table)));
        }));
  // dbt builds its flat graph once parsing is done: while parsing, templates see it empty; while
  // compiling, MacroResolver gives the graph when a template reads it.
  if (phase != Phase::kCompile)
    g.Set(Value("graph"), Value(Dict()));
  return g;
}

// Renders `tpl` as a node's own template: while parsing, in dbt's lenient-undefined mode.
std::string RenderTop(const Dict& globals, const MacroResolver& resolver, Phase phase,
                      const jinja::Template& tpl) {
  Interpreter in(globals, &resolver);
  in.set_host(resolver.host());
  in.set_lenient_undefined(phase == Phase::kParse);
  if (resolver.host() != nullptr)
    in.set_macro_call_log(&resolver.host()->macro_calls);
  try {
    return in.Render(tpl);
  } catch (jinja::MacroReturn&) {
    Fail("return() called outside of a macro");
  }
}

std::string RenderWith(Session& session, Node& node, Phase phase, const jinja::Template& tpl,
                       std::shared_ptr<NodeState>* state_out, const Dict* extras = nullptr) {
  auto state = std::make_shared<NodeState>(NodeState{&session, &node, phase, Dict(), {}, {}});
  Dict globals = NodeGlobals(session, state.get());
  if (extras != nullptr) {
    for (const auto& [k, v] : extras->entries())
      globals.Set(k, v);
  }
  MacroResolver resolver(session, node.package, &globals, state.get());
  std::string out = RenderTop(globals, resolver, phase, tpl);
  if (state_out != nullptr)
    *state_out = state;
  return out;
}

}  // namespace

MacroIndex::MacroIndex(const Project& project) {
  for (const auto& m : project.manifest.macros) {
    if (IsInternal(m->package)) {
      // Adapter macros (dbt_duckdb) win over the global project's (dbt).
      auto it = internal_.find(m->name);
      if (it == internal_.end() || m->package != "dbt")
        internal_[m->name] = m.get();
    }
    by_package_[m->package][m->name] = m.get();
    if (m->stmt != nullptr)
      by_statement_[m->stmt] = m.get();
  }
  // A package's namespace lists its macros by name.
  auto sorted = [](const ByName<const Macro*>& macros) {
    std::vector<std::pair<std::string_view, const Macro*>> out(macros.begin(), macros.end());
    std::sort(out.begin(), out.end());
    return out;
  };
  for (const auto& [pkg, macros] : by_package_) {
    if (IsInternal(pkg) && pkg != "dbt")
      continue;
    Dict ns;
    for (const auto& [name, m] : sorted(pkg == "dbt" ? internal_ : macros))
      ns.Set(Value(name), m->callable);
    namespaces_[pkg] = Value(std::move(ns));
  }
  for (const auto& p : project.packages) {
    if (namespaces_.find(p->name) == namespaces_.end())
      namespaces_[p->name] = Value(Dict());
  }
  builtin_ref_and_source_ = !HasOverride("ref") && !HasOverride("source");
}

const Macro* MacroIndex::Find(const std::string& package, const std::string& name) const {
  auto p = by_package_.find(package);
  if (p == by_package_.end())
    return nullptr;
  auto m = p->second.find(name);
  return m == p->second.end() ? nullptr : m->second;
}

const Macro* MacroIndex::FindInternal(const std::string& name) const {
  auto m = internal_.find(name);
  return m == internal_.end() ? nullptr : m->second;
}

const Value* MacroIndex::PackageNamespace(const std::string& package) const {
  auto it = namespaces_.find(package);
  return it == namespaces_.end() ? nullptr : &it->second;
}

const Dict& Session::NodeFunctions(Phase phase) {
  size_t i = phase == Phase::kParse ? 0 : 1;
  std::call_once(node_functions_once_[i],
                 [&] { node_functions_[i] = MakeNodeFunctions(this, phase); });
  return node_functions_[i];
}

const Value& Session::Adapter(Phase phase) {
  size_t i = phase == Phase::kParse ? 0 : 1;
  std::call_once(adapter_once_[i], [&] { adapters_[i] = AdapterObject(this, phase); });
  return adapters_[i];
}

const Value& Session::Graph() {
  std::call_once(graph_once_, [&] {
    Dict sections;
    for (const char* name : {"exposures", "functions", "groups", "metrics", "nodes", "sources",
                             "semantic_models", "saved_queries"})
      sections.Append(Value(name), Value(Dict()));
    for (const auto& n : project->manifest.nodes) {
      std::string section = ManifestSection(n->resource_type);
      if (Value* into = sections.Find(Value(section)))
        into->as_dict().Append(Value(n->unique_id), n->data);
    }
    graph_ = Value(std::move(sections));
  });
  return graph_;
}

std::shared_ptr<const jinja::Template> Session::SharedTemplate(const std::string& text,
                                                               const std::string& file) {
  std::string key = file + '\n' + text;
  {
    std::lock_guard<std::mutex> lock(templates_mutex_);
    auto it = shared_templates_.find(key);
    if (it != shared_templates_.end())
      return it->second;
  }
  auto tpl = std::make_shared<const jinja::Template>(jinja::Parse(text, file));
  std::lock_guard<std::mutex> lock(templates_mutex_);
  // Bounded: the tests sharing a text are neighbours in node order, so forgetting everything
  // now and then loses little and keeps a large project's memory flat.
  if (shared_templates_.size() >= 1024)
    shared_templates_.clear();
  shared_templates_.emplace(std::move(key), tpl);
  return tpl;
}

LogCapture::LogCapture(std::string* buffer) : previous_(t_log_buffer) {
  t_log_buffer = buffer;
}
LogCapture::~LogCapture() {
  t_log_buffer = previous_;
}

const Macro* MacroIndex::ByStatement(const jinja::Stmt* stmt) const {
  auto it = by_statement_.find(stmt);
  return it == by_statement_.end() ? nullptr : it->second;
}

bool MacroIndex::HasOverride(const std::string& name) const {
  for (const auto& [pkg, macros] : by_package_) {
    if (!IsInternal(pkg) && macros.find(name) != macros.end())
      return true;
  }
  return false;
}

Dict BaseContext(const Project& project, Session* session) {
  Dict b;
  jinja::AddDefaultGlobals(b);
  const Project* p = &project;
  b.Set(Value("var"), VarFunction(p, project.root().name, ""));
  b.Set(Value("env_var"), Fn("env_var", [](Interpreter&, Arguments& a) -> Value {
          std::string name = a.Get(0, "var").Str();
          if (const char* v = std::getenv(name.c_str()))
            return Value(std::string(v));
          if (a.Has(1, "default"))
            return a.Get(1, "default");
          Fail("Env var required but not provided: '" + name + "'");
        }));
  b.Set(Value("return"), Fn("return", [](Interpreter& in, Arguments& a) -> Value {
          in.Return(a.positional.empty() ? Value("") : a.positional[0]);
          return Value::MakeNone();
        }));
  b.Set(Value("fromjson"), Fn("fromjson", [](Interpreter&, Arguments& a) -> Value {
          bool ok = false;
          Value v = jinja::FromJsonText(a.Get(0, "string").Str(), &ok);
          return ok ? v : a.Get(1, "default", None());
        }));
  b.Set(Value("tojson"), Fn("tojson", [](Interpreter&, Arguments& a) {
          JsonStyle style;
          style.sort_keys = a.Get(1, "sort_keys", Value(false)).Truthy();
          return Value(ToJson(a.Get(0, "value"), style));
        }));
  b.Set(Value("fromyaml"), Fn("fromyaml", [](Interpreter&, Arguments& a) -> Value {
          Document doc;
          Diagnostics d;
          if (!ParseYaml(a.Get(0, "value").Str(), doc, d))
            return a.Get(1, "default", None());
          return FromYaml(doc.root);
        }));
  b.Set(Value("toyaml"), Fn("toyaml", [](Interpreter&, Arguments& a) {
          return Value(ToYaml(a.Get(0, "value"), a.Get(2, "sort_keys", Value(false)).Truthy()));
        }));
  b.Set(Value("local_md5"), Fn("local_md5", [](Interpreter&, Arguments& a) {
          return Value(Md5Hex(a.Get(0, "value").Str()));
        }));
  b.Set(Value("log"), Fn("log", [](Interpreter&, Arguments& a) {
          if (a.Get(1, "info", Value(false)).Truthy())
            WriteLogLine(a.Get(0, "msg").Str());
          return Value("");
        }));
  b.Set(Value("print"), Fn("print", [](Interpreter&, Arguments& a) {
          WriteLogLine(a.positional.empty() ? std::string() : a.positional[0].Str());
          return Value("");
        }));
  b.Set(Value("set"), Fn("set", [](Interpreter&, Arguments& a) -> Value {
          List out;
          for (const Value& v : jinja::Iterate(a.Get(0, "value"), {})) {
            bool seen = false;
            for (const Value& o : out)
              seen = seen || o.Equals(v);
            if (!seen)
              out.push_back(v);
          }
          return Value(out);
        }));
  b.Set(Value("set_strict"), *b.FindKey("set"));
  b.Set(Value("zip"), Fn("zip", [](Interpreter&, Arguments& a) {
          std::vector<List> lists;
          for (const Value& v : a.positional)
            lists.push_back(jinja::Iterate(v, {}));
          List out;
          for (size_t i = 0;; ++i) {
            List row;
            for (const List& l : lists) {
              if (i >= l.size())
                return Value(out);
              row.push_back(l[i]);
            }
            if (lists.empty())
              return Value(out);
            out.emplace_back(row, true);
          }
        }));
  b.Set(Value("zip_strict"), *b.FindKey("zip"));
  b.Set(Value("dbt_version"), Value(kDbtVersion));
  b.Set(Value("project_name"), Value(project.root().name));
  b.Set(Value("invocation_id"), Value(project.invocation_id));
  b.Set(Value("thread_id"), Value("Thread-1"));
  Dict modules;
  modules.Set(Value("re"), ReModule());
  modules.Set(Value("datetime"), DatetimeModule());
  Dict itertools;
  modules.Set(Value("itertools"), Value(std::move(itertools)));
  b.Set(Value("modules"), Value(std::move(modules)));
  b.Set(Value("run_started_at"), UtcNow());
  Dict flags;
  std::string which = project.invocation.command;
  flags.Set(Value("WHICH"), Value(which));
  flags.Set(Value("FULL_REFRESH"), Value(project.invocation.full_refresh));
  flags.Set(Value("STORE_FAILURES"), Value(false));
  flags.Set(Value("EMPTY"), Value(project.invocation.empty));
  flags.Set(Value("WARN_ERROR"), Value(false));
  b.Set(Value("flags"), Value(std::move(flags)));
  Dict target;
  for (const auto& [k, v] : project.target.fields.entries()) {
    std::string key = k.Str();
    if (key == "password" || key == "pass" || key == "token")
      continue;
    target.Set(k, v);
  }
  target.Set(Value("name"), Value(project.target.name));
  target.Set(Value("target_name"), Value(project.target.name));
  target.Set(Value("profile_name"), Value(project.target.profile_name));
  b.Set(Value("target"), Value(std::move(target)));
  b.Set(Value("api"), ApiObject());
  b.Set(Value("exceptions"), ExceptionsObject());
  b.Set(Value("selected_resources"), Value(List{}));
  Dict args;
  args.Set(Value("which"), Value(which));
  b.Set(Value("invocation_args_dict"), Value(std::move(args)));
  b.Set(Value("dbt_metadata_envs"), Value(Dict()));
  (void)session;
  return b;
}

namespace {

bool HasJinja(const Value& v) {
  if (v.is_string())
    return v.as_string().find("{{") != std::string::npos ||
           v.as_string().find("{%") != std::string::npos;
  if (v.is_list())
    return std::any_of(v.as_list().begin(), v.as_list().end(), HasJinja);
  if (v.is_dict()) {
    for (const auto& [k, x] : v.as_dict().entries()) {
      if (HasJinja(x))
        return true;
    }
  }
  return false;
}

}  // namespace

Value RenderYamlValue(const Value& value, const Dict& context, const std::string& file,
                      Diagnostics& diagnostics) {
  if (!HasJinja(value))
    return value;  // nothing to render: keep the value (and save copying it)
  if (value.is_string()) {
    std::string s(value.as_string());
    if (s.find("{{") == std::string::npos && s.find("{%") == std::string::npos)
      return value;
    try {
      jinja::Template tpl = jinja::Parse(s, file);
      Interpreter in(context);
      Value v = in.RenderValue(tpl);
      if (v.is_string() &&
          !(tpl.body.size() == 1 && tpl.body[0]->kind == jinja::Stmt::Kind::kPrint))
        return LiteralOrString(v.Str());
      return v;
    } catch (const jinja::TemplateError& e) {
      diagnostics.Error(Code::kDbtJinja, {file, 0, 0}, "Could not render " + s + ": " + e.message);
    } catch (const CompilationError& e) {
      diagnostics.Error(Code::kDbtJinja, {file, 0, 0}, e.message);
    }
    return value;
  }
  if (value.is_list()) {
    List out;
    for (const Value& v : value.as_list())
      out.push_back(RenderYamlValue(v, context, file, diagnostics));
    return Value(out);
  }
  if (value.is_dict()) {
    Dict out;
    for (const auto& [k, v] : value.as_dict().entries())
      out.Set(k, RenderYamlValue(v, context, file, diagnostics));
    return Value(std::move(out));
  }
  return value;
}

bool StaticCalls(const Session& session, const jinja::Template& tpl,
                 std::vector<StaticCall>* calls) {
  if (!session.macros->builtin_ref_and_source())
    return false;
  using jinja::Expr;
  using jinja::Stmt;
  auto literal_args = [](const Expr& call, size_t min, size_t max) {
    if (!call.call.keywords.empty() || call.call.star || call.call.double_star ||
        call.call.positional.size() < min || call.call.positional.size() > max)
      return false;
    for (const auto& a : call.call.positional) {
      if (a->kind != Expr::Kind::kLiteral || !a->value.is_string())
        return false;
    }
    return true;
  };
  for (const auto& st : tpl.body) {
    if (st->kind == Stmt::Kind::kText)
      continue;
    if (st->kind != Stmt::Kind::kPrint || st->expr->kind != Expr::Kind::kCall)
      return false;
    const Expr& call = *st->expr;
    if (!call.target || call.target->kind != Expr::Kind::kName)
      return false;
    const std::string& fn = call.target->name;
    if (!(fn == "ref" && literal_args(call, 1, 2)) && !(fn == "source" && literal_args(call, 2, 2)))
      return false;
  }
  for (const auto& st : tpl.body) {
    StaticCall c;
    if (st->kind == Stmt::Kind::kText) {
      c.text = &st->text;
    } else {
      const auto& args = st->expr->call.positional;
      if (st->expr->target->name == "ref") {
        c.kind = StaticCall::kRef;
        c.ref.package = args.size() == 2 ? args[0]->value.as_string() : "";
        c.ref.name = args.back()->value.as_string();
        c.ref.version = None();
      } else {
        c.kind = StaticCall::kSource;
        c.source = {args[0]->value.Str(), args[1]->value.Str()};
      }
    }
    calls->push_back(std::move(c));
  }
  return true;
}

namespace {

// A template StaticCalls() can read needs no context to parse (its refs and sources are read off
// the tree) nor to compile (each call prints its relation). Anything else, and an ephemeral or
// missing target, is rendered in full, which also gives the errors.
bool RenderStatic(Session& session, Node& node, Phase phase, std::string* out) {
  std::vector<StaticCall> calls;
  if (node.fixtures != nullptr || !StaticCalls(session, *node.tpl, &calls))
    return false;
  const Project& p = *session.project;
  std::string text;
  for (const StaticCall& c : calls) {
    if (c.kind == StaticCall::kText) {
      text += *c.text;
    } else if (phase == Phase::kParse) {
      continue;
    } else if (c.kind == StaticCall::kRef) {
      const Node* target = ResolveRefNode(p, node, c.ref);
      if (target == nullptr || target->is_ephemeral())
        return false;
      text += ReadRelation(*target, p).Str();
    } else {
      const Node* source = FindSource(p, node, c.source.first, c.source.second);
      if (source == nullptr)
        return false;
      text += ReadRelation(*source, p).Str();
    }
  }
  if (phase == Phase::kParse) {
    for (const StaticCall& c : calls) {
      if (c.kind == StaticCall::kRef)
        node.refs.push_back(c.ref);
      else if (c.kind == StaticCall::kSource)
        node.sources.push_back(c.source);
    }
  } else {
    node.extra_ctes = Value(List{});
  }
  *out = std::move(text);
  return true;
}

// `fn('a')`, `fn('a', 'b')`, … with string literals as arguments (spaces around them allowed)
// and, when `keyword` is given, an optional last `keyword='x'`: the literals in `args`, the
// keyword's in `*keyword_value`. False for anything else (and for literals holding a quote or a
// backslash, which would need unescaping).
bool LiteralCall(std::string_view s, std::string_view fn, std::string_view keyword,
                 std::vector<std::string_view>* args, std::string_view* keyword_value) {
  auto skip_spaces = [&] {
    while (!s.empty() && s.front() == ' ')
      s.remove_prefix(1);
  };
  auto literal = [&](std::string_view* out) {
    if (s.empty() || (s.front() != '\'' && s.front() != '"'))
      return false;
    char q = s.front();
    size_t end = s.find(q, 1);
    if (end == std::string_view::npos)
      return false;
    *out = s.substr(1, end - 1);
    if (out->find_first_of("'\"\\") != std::string_view::npos)
      return false;
    s.remove_prefix(end + 1);
    return true;
  };
  if (s.substr(0, fn.size()) != fn || s.size() <= fn.size() || s[fn.size()] != '(')
    return false;
  s.remove_prefix(fn.size() + 1);
  for (;;) {
    skip_spaces();
    std::string_view value;
    if (!keyword.empty() && s.substr(0, keyword.size()) == keyword &&
        s.substr(keyword.size(), 1) == "=") {
      s.remove_prefix(keyword.size() + 1);
      if (!literal(keyword_value))
        return false;
      skip_spaces();
      return s == ")" && !args->empty();
    }
    if (!literal(&value))
      return false;
    args->push_back(value);
    skip_spaces();
    if (s == ")")
      return true;
    if (s.empty() || s.front() != ',')
      return false;
    s.remove_prefix(1);
  }
}

}  // namespace

bool ParseStaticCall(std::string_view call, bool with_version, StaticCall* out) {
  std::vector<std::string_view> args;
  std::string_view version;
  if (LiteralCall(call, "ref", with_version ? "version" : "", &args, &version) &&
      args.size() <= 2) {
    out->kind = StaticCall::kRef;
    out->ref.package = args.size() == 2 ? std::string(args[0]) : "";
    out->ref.name = std::string(args.back());
    out->ref.version = version.data() != nullptr ? Value(version) : None();
    return true;
  }
  args.clear();
  if (LiteralCall(call, "source", "", &args, &version) && args.size() == 2) {
    out->kind = StaticCall::kSource;
    out->source = {std::string(args[0]), std::string(args[1])};
    return true;
  }
  return false;
}

namespace {

// What a generic test's kwarg renders to at compile when it is a plain `ref()` or `source()` of
// a node that is not ephemeral, or the builder's `get_where_subquery(<that>)` while
// get_where_subquery is dbt's own and the test has no `where`: the node's relation, as
// rendering would give it, without a render. Anything else (and a missing node, whose error
// the render reports) is rendered.
std::optional<Value> StaticKwarg(Session& session, const Node& node, std::string_view text) {
  if (!session.macros->builtin_ref_and_source())
    return std::nullopt;
  if (text.substr(0, 3) != "{{ " || text.size() < 6 || text.substr(text.size() - 3) != " }}")
    return std::nullopt;
  std::string_view call = text.substr(3, text.size() - 6);
  constexpr std::string_view kWhere = "get_where_subquery(";
  if (call.substr(0, kWhere.size()) == kWhere && call.back() == ')') {
    const Value* where = node.config != nullptr ? node.config->FindKey("where") : nullptr;
    if ((where != nullptr && where->Truthy()) ||
        session.macros->HasOverride("get_where_subquery") ||
        session.macros->HasOverride("default__get_where_subquery") ||
        session.macros->HasOverride(session.project->target.type() + "__get_where_subquery"))
      return std::nullopt;
    call = call.substr(kWhere.size(), call.size() - kWhere.size() - 1);
  }
  const Project& p = *session.project;
  StaticCall c;
  if (!ParseStaticCall(call, /*with_version=*/true, &c))
    return std::nullopt;
  if (c.kind == StaticCall::kRef) {
    const Node* target = ResolveRefNode(p, node, c.ref);
    if (target == nullptr || target->is_ephemeral())
      return std::nullopt;
    return RelationForNode(*target, p.root().quoting);
  }
  const Node* source = FindSource(p, node, c.source.first, c.source.second);
  if (source == nullptr)
    return std::nullopt;
  return RelationForNode(*source, p.root().quoting);
}

}  // namespace

std::string RenderNode(Session& session, Node& node, Phase phase) {
  if (!node.tpl)
    return "";
  if (std::string out; RenderStatic(session, node, phase, &out))
    return out;
  if (node.resource_type == "test" && node.data.as_dict().FindKey("test_metadata") != nullptr) {
    // Generic test: the test kwargs, rendered in the node's context, are the one extra name of
    // that context.
    const Value* md = node.data.as_dict().FindKey("test_metadata");
    const Value* kwargs = md->as_dict().FindKey("kwargs");
    auto state = std::make_shared<NodeState>(NodeState{&session, &node, phase, Dict(), {}, {}});
    Dict globals = NodeGlobals(session, state.get());
    MacroResolver resolver(session, node.package, &globals, state.get());
    Interpreter in(globals, &resolver);
    in.set_host(state.get());
    in.set_lenient_undefined(phase == Phase::kParse);
    in.set_macro_call_log(&state->macro_calls);
    std::function<Value(const Value&, bool)> render = [&](const Value& v, bool column) -> Value {
      if (v.is_string()) {
        if (column)
          return v;
        std::string text(v.as_string());
        if (LooksLikeFunction(text))
          text = "{{ " + text + " }}";
        if (text.find("{{") == std::string::npos && text.find("{%") == std::string::npos)
          return LiteralOrString(text);
        if (phase == Phase::kCompile) {
          if (std::optional<Value> relation = StaticKwarg(session, node, text)) {
            // as if rendered: dbt's get_where_subquery was called
            const Macro* where = session.macros->FindInternal("get_where_subquery");
            if (where != nullptr && text.find("get_where_subquery") != std::string::npos)
              state->macro_calls.push_back(where->stmt);
            return *relation;
          }
        }
        return in.RenderValue(*session.SharedTemplate(text, node.original_file_path));
      }
      if (v.is_list()) {
        List out;
        for (const Value& i : v.as_list())
          out.push_back(render(i, false));
        return Value(out);
      }
      if (v.is_dict()) {
        Dict out;
        for (const auto& [k, i] : v.as_dict().entries())
          out.Set(k, render(i, false));
        return Value(std::move(out));
      }
      return v;
    };
    Dict rendered;
    if (kwargs != nullptr && kwargs->is_dict()) {
      for (const auto& [k, v] : kwargs->as_dict().entries())
        rendered.Set(k, render(v, k.Str() == "column_name"));
    }
    // Ephemeral refs: the test's own first, then those of its kwargs.
    std::vector<std::string> kwarg_ephemerals = std::move(state->ephemerals);
    state->ephemerals.clear();
    globals.Set(Value("_dbt_generic_test_kwargs"), Value(std::move(rendered)));
    std::string out = RenderTop(globals, resolver, phase, *node.tpl);
    RecordMacroCalls(session, node, *state);
    if (phase == Phase::kCompile) {
      for (const std::string& id : kwarg_ephemerals) {
        if (std::find(state->ephemerals.begin(), state->ephemerals.end(), id) ==
            state->ephemerals.end())
          state->ephemerals.push_back(id);
      }
      List ids;
      for (const std::string& id : state->ephemerals)
        ids.emplace_back(id);
      node.extra_ctes = Value(std::move(ids));
    }
    return out;
  }
  std::shared_ptr<NodeState> state;
  std::string out = RenderWith(session, node, phase, *node.tpl, &state);
  RecordMacroCalls(session, node, *state);
  if (phase == Phase::kCompile) {
    List ids;
    for (const std::string& id : state->ephemerals)
      ids.emplace_back(id);
    node.extra_ctes = Value(ids);
  }
  return out;
}

Value MacroIdsValue(const std::vector<std::string_view>& ids) {
  // Nodes come in order: a model's tests follow one another, and call the same macros.
  thread_local std::vector<std::string_view> last_ids;
  thread_local Value last;
  if (ids != last_ids || !last.is_list()) {
    last_ids = ids;
    List list;
    for (std::string_view id : ids)
      list.emplace_back(std::string(id));
    last = Value(std::move(list));
    last.Freeze();
  }
  return last;
}

std::string RenderInNode(Session& session, Node& node, Phase phase, const std::string& text,
                         const std::string& name, const Dict* extras) {
  jinja::Template tpl = jinja::Parse(text, name);
  std::shared_ptr<NodeState> state;
  std::string out = RenderWith(session, node, phase, tpl, &state, extras);
  RecordMacroCalls(session, node, *state);
  return out;
}

namespace {

// A node's context for calling a macro in it (CallMacro, RunMaterialization): the node's state,
// its values with `extras` added, the name resolver and an interpreter over them.
class NodeContext {
 public:
  NodeContext(Session& session, Node& node, Phase phase, const Dict* extras = nullptr)
      : state_{&session, &node, phase, Dict(), {}, {}},
        globals_(Globals(session, state_, extras)),
        resolver_(session, node.package, &globals_, &state_),
        in_(globals_, &resolver_) {
    in_.set_host(&state_);
  }
  Interpreter& in() { return in_; }
  NodeState& state() { return state_; }

 private:
  static Dict Globals(Session& session, const NodeState& state, const Dict* extras) {
    Dict g = NodeGlobals(session, &state);
    if (extras != nullptr) {
      for (const auto& [k, v] : extras->entries())
        g.Set(k, v);
    }
    return g;
  }
  NodeState state_;
  Dict globals_;
  MacroResolver resolver_;
  Interpreter in_;
};

}  // namespace

Value CallMacro(Session& session, Node& node, const std::string& name, List args, Phase phase,
                std::vector<std::pair<std::string, Value>> keywords) {
  NodeContext context(session, node, phase);
  Interpreter& in = context.in();
  // "package.macro" names a package's macro
  size_t dot = name.find('.');
  Value callee = in.Lookup(dot == std::string::npos ? name : name.substr(0, dot));
  if (dot != std::string::npos && !callee.is_undefined()) {
    const Value* m = callee.is_dict() ? callee.as_dict().FindKey(name.substr(dot + 1)) : nullptr;
    callee = m != nullptr ? *m : Value::MakeUndefined(name);
  }
  if (!callee.is_callable())
    Fail("dbt could not find a macro with the name '" + name + "' in any package");
  Arguments a;
  a.positional = std::move(args);
  a.keywords = std::move(keywords);
  return in.CallValue(callee, a, {});
}

MaterializationResult RunMaterialization(Session& session, Node& node, const Dict& extras) {
  std::string materialized(node.materialized());
  if (node.resource_type == "test")
    materialized = "test";
  else if (node.resource_type == "seed")
    materialized = "seed";
  else if (node.resource_type == "snapshot")
    materialized = "snapshot";
  // dbt's search: the adapter's materialization before the default one; in each, the root
  // project's, then the packages', then the internal ones.
  const MacroIndex& macros = *session.macros;
  const Macro* found = nullptr;
  for (const std::string& adapter : {session.project->target.type(), std::string("default")}) {
    std::string name = "materialization_" + materialized + "_" + adapter;
    found = macros.Find(session.project->root().name, name);
    for (const auto& pkg : session.project->packages) {
      if (found == nullptr && !pkg->root)
        found = macros.Find(pkg->name, name);
    }
    if (found == nullptr)
      found = macros.FindInternal(name);
    if (found != nullptr)
      break;
  }
  if (found == nullptr) {
    Fail("No materialization '" + materialized + "' was found for adapter " +
         session.project->target.type() + "! (searched types 'default' and '" +
         session.project->target.type() + "')");
  }
  NodeContext context(session, node, Phase::kCompile, &extras);
  Arguments a;
  MaterializationResult out;
  out.returned = context.in().CallValue(found->callable, a, {});
  out.results = std::move(context.state().results);
  return out;
}

Value RelationOf(const Session& session, const Node& node) {
  return RelationForNode(node, session.project->root().quoting);
}

std::string RenderRelationName(const std::string& database, const std::string& schema,
                               const std::string& identifier, const Value& quoting) {
  Relation r;
  r.database = database;
  r.schema = schema;
  r.identifier = identifier;
  ApplyQuoting(r, quoting);
  return r.Render();
}

void ReportRenderError(Diagnostics& diagnostics, const std::string& file, jinja::Position pos,
                       const std::string& message, Code code) {
  diagnostics.Error(code, {file, pos.line, pos.column}, message);
}

}  // namespace floe::dbt
