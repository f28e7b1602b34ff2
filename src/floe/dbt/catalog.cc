#include "floe/dbt/catalog.h"

#include <chrono>
#include <ctime>
#include <map>

#include "floe/base/fs.h"
#include "floe/base/utf8.h"
#include "floe/dbt/compile.h"
#include "floe/dbt/json.h"
#include "floe/dbt/run.h"

namespace floe::dbt {
namespace {

std::string Field(const Node& n, const char* key) {
  const Value* v = n.data.as_dict().FindKey(key);
  return v != nullptr && v->is_string() ? v->Str() : std::string();
}

}  // namespace

bool WriteCatalog(const Project& project, Session& session, Diagnostics& diagnostics) {
  Engine& engine = *session.engine;
  // (database, schema) -> lower(identifier) -> the nodes and sources with that relation
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::vector<const Node*>>>
      wanted;
  for (const auto& n : project.manifest.nodes) {
    const std::string type(n->resource_type);
    bool relational = type == "source" || type == "seed" || type == "snapshot" ||
                      (type == "model" && !n->is_ephemeral());
    if (!relational)
      continue;
    std::string identifier = Field(*n, type == "source" ? "identifier" : "alias");
    wanted[{Field(*n, "database"), Field(*n, "schema")}][AsciiLower(identifier)].push_back(n.get());
  }
  Dict nodes;
  Dict sources;
  for (const auto& [where, relations] : wanted) {
    const auto& [database, schema] = where;
    // The query is the adapter's (a dispatched macro), rendered in a node of that schema.
    Node& any = const_cast<Node&>(*relations.begin()->second.front());
    std::string sql;
    try {
      sql = CallMacro(session, any, "floe_catalog_sql", {Value(database), Value(schema)},
                      Phase::kCompile)
                .Str();
    } catch (const jinja::TemplateError& e) {
      diagnostics.Error(Code::kDbtCompilation, {project.root().dir, 0, 0}, e.message);
      return false;
    } catch (const CompilationError& e) {
      diagnostics.Error(Code::kDbtCompilation, {project.root().dir, 0, 0}, e.message);
      return false;
    }
    QueryTable table;
    std::string error;
    if (!engine.Execute(sql, &table, &error)) {
      diagnostics.Error(Code::kDbtRuntime, {project.root().dir, 0, 0},
                        "Runtime Error\n  catalog of " + schema + ": " + error);
      return false;
    }
    std::map<std::string, std::pair<Dict, Dict>> found;  // lower(name) -> (metadata, columns)
    for (const auto& row : table.rows) {
      std::string name = row[0].Str();
      auto it = relations.find(AsciiLower(name));
      if (it == relations.end())
        continue;
      auto& [metadata, columns] = found[AsciiLower(name)];
      if (metadata.size() == 0) {
        metadata.Set(Value("type"), row[1]);
        metadata.Set(Value("schema"), Value(schema));
        metadata.Set(Value("name"), Value(name));
        metadata.Set(Value("database"), database.empty() ? Value::MakeNone() : Value(database));
        metadata.Set(Value("comment"), Value::MakeNone());
        metadata.Set(Value("owner"), Value::MakeNone());
      }
      Dict column;
      column.Set(Value("type"), row[3]);
      column.Set(Value("index"), row[4]);
      column.Set(Value("name"), row[2]);
      column.Set(Value("comment"), Value::MakeNone());
      columns.Set(row[2], Value(std::move(column)));
    }
    for (const auto& [lower, entry] : found) {
      for (const Node* n : relations.at(lower)) {
        Dict stats;
        Dict has_stats;
        has_stats.Set(Value("id"), Value("has_stats"));
        has_stats.Set(Value("label"), Value("Has Stats?"));
        has_stats.Set(Value("value"), Value(false));
        has_stats.Set(Value("include"), Value(false));
        has_stats.Set(Value("description"),
                      Value("Indicates whether there are statistics for this table"));
        stats.Set(Value("has_stats"), Value(std::move(has_stats)));
        Dict e;
        e.Set(Value("metadata"), Value(entry.first));
        e.Set(Value("columns"), Value(entry.second));
        e.Set(Value("stats"), Value(std::move(stats)));
        e.Set(Value("unique_id"), Value(n->unique_id));
        (n->resource_type == "source" ? sources : nodes)
            .Set(Value(n->unique_id), Value(std::move(e)));
      }
    }
  }
  Dict all;
  all.Set(Value("metadata"),
          Value(ArtifactMetadata(project, "https://schemas.getdbt.com/dbt/catalog/v1.json")));
  all.Set(Value("nodes"), Value(std::move(nodes)));
  all.Set(Value("sources"), Value(std::move(sources)));
  all.Set(Value("errors"), Value::MakeNone());
  JsonStyle style;
  style.compact = true;
  return WriteFileAtomic(TargetDir(project) + "/catalog.json", ToJson(Value(std::move(all)), style),
                         diagnostics, false);
}

}  // namespace floe::dbt
