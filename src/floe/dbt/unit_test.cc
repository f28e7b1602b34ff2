#include "floe/dbt/unit_test.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <vector>

#include "floe/base/fs.h"
#include "floe/dbt/compile.h"
#include "floe/dbt/resources.h"

namespace floe::dbt {
namespace {

[[noreturn]] void Fail(std::string message) {
  throw CompilationError{std::move(message)};
}

const Value& Field(const Value& dict, const char* key) {
  static const Value none = Value::MakeNone();
  const Value* v = dict.is_dict() ? dict.as_dict().FindKey(key) : nullptr;
  return v != nullptr ? *v : none;
}

std::string Text(const Node& n, const char* key) {
  const Value& v = Field(n.data, key);
  return v.is_string() ? v.Str() : std::string();
}

// `fixture: name` of a given or expect: <test-path>/fixtures/**/name.csv (or .sql) of the unit
// test's package.
std::string ReadFixtureFile(const Project& project, const Node& unit_test, const std::string& name,
                            const std::string& format) {
  std::string file = name + (format == "sql" ? ".sql" : ".csv");
  for (const auto& pkg : project.packages) {
    if (pkg->name != unit_test.package)
      continue;
    for (const std::string& dir : pkg->test_paths) {
      std::filesystem::path root = std::filesystem::path(pkg->dir) / dir / "fixtures";
      std::error_code ec;
      if (!std::filesystem::is_directory(root, ec))
        continue;
      for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().filename() == file) {
          Diagnostics ignored;
          std::string text;
          if (ReadFile(it->path().string(), text, ignored))
            return text;
        }
      }
    }
  }
  Fail("Could not find fixture file " + name + " for unit test " + unit_test.name);
}

// The rows of a given or expect: its `rows`, or its fixture file's (csv read into dicts, sql as
// text); dict and csv fixtures without rows have none.
Value FixtureRows(const Project& project, const Node& unit_test, const Value& fixture) {
  std::string format =
      Field(fixture, "format").is_string() ? Field(fixture, "format").Str() : "dict";
  const Value& file = Field(fixture, "fixture");
  if (file.is_string()) {
    std::string text = ReadFixtureFile(project, unit_test, file.Str(), format);
    if (format == "sql")
      return Value(text);
    return NormalizeFixtureRows(Value(text), "csv");
  }
  const Value& rows = Field(fixture, "rows");
  if (rows.is_none())
    return format == "sql" ? Value("") : Value(List{});
  return rows;
}

// The manifest fields that say what and where a node is, for a node made here.
Dict IdentityFields(const Node& n, const Value& database, const Value& schema) {
  Dict d;
  d.Append(Value("database"), database);
  d.Append(Value("schema"), schema);
  d.Append(Value("name"), Value(n.name));
  d.Append(Value("resource_type"), Value(std::string(n.resource_type)));
  d.Append(Value("package_name"), Value(n.package));
  d.Append(Value("path"), Value(n.path));
  d.Append(Value("original_file_path"), Value(n.original_file_path));
  d.Append(Value("unique_id"), Value(n.unique_id));
  return d;
}

// The node a given input's fixture renders as (dbt's ephemeral fixture model): the input's
// name, database, schema and alias, so `this` is the input's real relation.
Node FixtureNode(const Node& input, const Node& unit_test) {
  Node f;
  f.resource_type = "model";
  f.name = input.resource_type == "source" ? Text(input, "name") : input.name;
  f.package = input.package;
  f.unique_id = "model." + input.package + "." + f.name;
  f.original_file_path = unit_test.original_file_path;
  f.path = f.name + ".sql";
  f.pos = unit_test.pos;
  Dict d = IdentityFields(f, Field(input.data, "database"), Field(input.data, "schema"));
  d.Append(Value("alias"), input.resource_type == "source" ? Field(input.data, "identifier")
                                                           : Field(input.data, "alias"));
  Dict config;
  config.Append(Value("materialized"), Value("ephemeral"));
  d.Append(Value("config"), Value(std::move(config)));
  f.data = Value(std::move(d));
  f.config = &f.data.as_dict().Find(Value("config"))->as_dict();
  return f;
}

// A native function that answers from `values` when it has the name (its first argument), else
// calls `fallback`.
Value Overriding(const char* name, Value values, Value fallback) {
  return Value::Function(name, [values, fallback](jinja::Interpreter& in, jinja::Arguments& a) {
    Value key = a.Get(0, "name");
    if (const Value* v = values.as_dict().Find(key))
      return *v;
    return in.CallValue(fallback, a, {});
  });
}

}  // namespace

std::unique_ptr<PreparedUnitTest> PrepareUnitTest(Session& session, const Node& unit_test) {
  const Project& project = *session.project;
  if (unit_test.refs.empty())
    Fail("Unit test '" + unit_test.name + "' names no model");
  const Node* model = ResolveRefNode(project, unit_test, unit_test.refs[0]);
  if (model == nullptr) {
    Fail("Unit test '" + unit_test.name + "' tests a model named '" + unit_test.refs[0].name +
         "' which was not found");
  }
  auto out = std::make_unique<PreparedUnitTest>();
  Node& t = out->node;
  const Value& data = unit_test.data;

  // dbt's UnitTestNode: the unit test's identity, the model's code, database and schema.
  t.resource_type = "unit_test";
  t.unique_id = unit_test.unique_id;
  t.name = unit_test.name;
  t.package = unit_test.package;
  t.original_file_path = unit_test.original_file_path;
  std::string dir = std::filesystem::path(unit_test.original_file_path).parent_path().string();
  t.path = (dir.empty() ? "" : dir + "/") + unit_test.name + ".sql";
  t.fqn = unit_test.fqn;
  t.raw_code = model->raw_code;
  t.tpl = model->tpl;
  t.pos = unit_test.pos;
  t.fixtures = &out->fixtures;

  const Value& expect = Field(data, "expect");
  std::string expect_format =
      Field(expect, "format").is_string() ? Field(expect, "format").Str() : "dict";
  Value expected = FixtureRows(project, unit_test, expect);
  Dict config;
  config.Append(Value("materialized"), Value("unit"));
  config.Append(Value("expected_rows"), expect_format == "sql" ? Value::MakeNone() : expected);
  config.Append(Value("expected_sql"), expect_format == "sql" ? expected : Value::MakeNone());
  for (const char* key : {"tags", "meta", "enabled"})
    config.Append(Value(key), Field(Field(data, "config"), key));
  Dict d = IdentityFields(t, Field(model->data, "database"), Field(model->data, "schema"));
  d.Append(Value("alias"), Value(t.name));
  d.Append(Value("config"), Value(std::move(config)));
  d.Append(Value("tested_node_unique_id"), Value(model->unique_id));
  d.Append(Value("overrides"), Field(data, "overrides"));
  t.data = Value(std::move(d));
  t.config = &t.data.as_dict().Find(Value("config"))->as_dict();

  // The fixtures: each given input's rows as a CTE typed like the input's relation.
  std::map<std::string, std::string> fixture_sql;  // input unique_id -> the CTE's SQL
  for (const Value& given :
       Field(data, "given").is_list() ? Field(data, "given").as_list() : List{}) {
    std::string input = Field(given, "input").Str();
    const Node* original = nullptr;
    bool is_this = input == "this";
    StaticCall call;
    if (is_this) {
      original = model;
    } else if (ParseStaticCall(input, /*with_version=*/true, &call)) {
      original = call.kind == StaticCall::kRef
                     ? ResolveRefNode(project, unit_test, call.ref)
                     : FindSource(project, unit_test, call.source.first, call.source.second);
    }
    if (original == nullptr) {
      Fail("Unit test '" + unit_test.name + "' had an input (" + input +
           ") which was not found in the manifest.");
    }
    Node fixture = FixtureNode(*original, unit_test);
    std::string format = Field(given, "format").is_string() ? Field(given, "format").Str() : "dict";
    Value rows = FixtureRows(project, unit_test, given);
    std::string sql;
    if (format == "sql") {
      sql =
          RenderInNode(session, fixture, Phase::kCompile, rows.Str(), unit_test.original_file_path);
    } else {
      sql =
          CallMacro(session, fixture, "get_fixture_sql", {rows, Value::MakeNone()}, Phase::kCompile)
              .Str();
    }
    out->fixtures.cte_by_node[original->unique_id] = "__dbt__cte__" + fixture.name;
    fixture_sql[original->unique_id] = std::move(sql);
    if (is_this)
      out->fixtures.this_id = original->unique_id;
  }

  // overrides: macros answer with the given value; vars and env_vars come first
  Dict extras;
  const Value& overrides = Field(data, "overrides");
  const Value& macros = Field(overrides, "macros");
  if (macros.is_dict()) {
    for (const auto& [name, value] : macros.as_dict().entries()) {
      Value v = value;
      out->fixtures.macros.Set(
          name,
          Value::Function(name.Str(), [v](jinja::Interpreter&, jinja::Arguments&) { return v; }));
    }
  }
  if (Field(overrides, "vars").is_dict()) {
    const Value* var = session.NodeFunctions(Phase::kCompile).FindKey("var");
    extras.Set(Value("var"), Overriding("var", Field(overrides, "vars"), *var));
  }
  if (Field(overrides, "env_vars").is_dict()) {
    const Value* env_var = session.base.FindKey("env_var");
    extras.Set(Value("env_var"), Overriding("env_var", Field(overrides, "env_vars"), *env_var));
  }

  std::string sql = RenderInNode(session, t, Phase::kCompile, t.raw_code, model->original_file_path,
                                 extras.empty() ? nullptr : &extras);
  // the `this` fixture first, then the inputs in the order the model read them
  std::vector<std::string> ctes;
  List extra_ctes;
  auto add = [&](const std::string& id) {
    ctes.push_back(" " + out->fixtures.cte_by_node[id] + " as (\n" + fixture_sql[id] + "\n)");
    Dict c;
    c.Set(Value("id"), Value(id));
    c.Set(Value("sql"), Value(ctes.back()));
    extra_ctes.emplace_back(std::move(c));
  };
  const std::string& this_id = out->fixtures.this_id;
  if (!this_id.empty())
    add(this_id);
  for (const std::string& id : out->fixtures.used) {
    if (id != this_id)
      add(id);
  }
  t.compiled_code = ctes.empty() ? sql : InjectCtes(sql, ctes);
  t.extra_ctes = Value(std::move(extra_ctes));
  t.compiled = true;
  t.fixtures = nullptr;  // the materialization's `this` is the unit test's own relation
  return out;
}

std::string UnitTestDifference(const Value& table) {
  const auto* rows = TableText(table);
  Value names = table.is_object() ? table.as_object()->Attr("column_names") : Value::MakeNone();
  if (rows == nullptr || !names.is_list() || names.as_list().empty())
    Fail("the unit test returned no result");
  const List& columns = names.as_list();
  size_t tag = columns.size() - 1;                                 // actual_or_expected
  std::map<std::vector<std::optional<std::string>>, int> balance;  // (times actual) - (expected)
  for (const auto& row : *rows) {
    if (row.size() <= tag)
      continue;
    std::vector<std::optional<std::string>> cells(row.begin(), row.begin() + tag);
    balance[cells] += row[tag] && *row[tag] == "actual" ? 1 : -1;
  }
  auto line = [](const char* mark, const std::vector<std::optional<std::string>>& cells) {
    std::string out = mark;
    for (const auto& c : cells)
      out += "," + (c ? *c : std::string("NULL"));
    return out + "\n";
  };
  std::string removed, added;
  for (const auto& [cells, n] : balance) {
    for (int i = 0; i < -n; ++i)
      removed += line("---", cells);
    for (int i = 0; i < n; ++i)
      added += line("+++", cells);
  }
  if (removed.empty() && added.empty())
    return "";
  std::string header = "@@";
  for (size_t i = 0; i < tag; ++i)
    header += "," + columns[i].Str();
  return "\n\nactual differs from expected:\n\n" + header + "\n" + removed + added;
}

}  // namespace floe::dbt
