#include "floe/dbt/state.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "floe/base/fs.h"
#include "floe/base/parallel.h"
#include "floe/dbt/compile.h"
#include "floe/jinja/render.h"

namespace floe::dbt {

namespace {

namespace fs = std::filesystem;

const Value& Get(const Dict* d, std::string_view key) {
  static const Value kNone = Value::MakeNone();
  if (d == nullptr)
    return kNone;
  const Value* v = d->FindKey(key);
  return v != nullptr ? *v : kNone;
}

const Dict* DictAt(const Dict* d, std::string_view key) {
  const Value& v = Get(d, key);
  return v.is_dict() ? &v.as_dict() : nullptr;
}

bool Same(const Dict* a, const Dict* b, std::string_view key) {
  return Get(a, key).Equals(Get(b, key));
}

// dbt's BaseConfig.same_contents over two unrendered_config dicts: every key of either,
// except those the config class excludes from comparison; a test's config compares only its
// result modifiers (TestConfig.same_contents).
bool SameUnrenderedConfig(const Dict* a, const Dict* b, const std::set<std::string_view>& skip,
                          const std::set<std::string_view>* only) {
  std::set<std::string> keys;
  for (const Dict* d : {a, b}) {
    if (d == nullptr)
      continue;
    for (const auto& [k, v] : d->entries())
      keys.insert(k.Str());
  }
  for (const std::string& k : keys) {
    if (skip.count(k) != 0 || (only != nullptr && only->count(k) == 0))
      continue;
    const Value* x = a != nullptr ? a->FindKey(k) : nullptr;
    const Value* y = b != nullptr ? b->FindKey(k) : nullptr;
    if ((x == nullptr) != (y == nullptr) || (x != nullptr && !x->Equals(*y)))
      return false;
  }
  return true;
}

// The two versions of a node as manifest entries: `old` is null for a node the previous
// manifest does not have. The same_* comparisons are those of dbt-core's node classes
// (contracts/graph/nodes.py) for the resource type.
struct Versions {
  const Dict* old;
  const Dict* now;
  std::string_view type;
  bool generic_test;

  bool parsed_node() const {  // dbt's ParsedNode family
    return type == "model" || type == "seed" || type == "snapshot" || type == "analysis" ||
           type == "test" || type == "operation" || type == "sql_operation";
  }

  bool SameBody() const {
    return type == "seed" ? Same(old, now, "checksum") : Same(old, now, "raw_code");
  }
  bool SameConfig() const {
    static const std::set<std::string_view> kNodeExcluded = {"alias", "schema", "database", "tags",
                                                             "group"};
    static const std::set<std::string_view> kGroupExcluded = {"group"};
    static const std::set<std::string_view> kNone;
    static const std::set<std::string_view> kTestModifiers = {
        "severity", "where",    "limit",          "fail_calc",
        "warn_if",  "error_if", "store_failures", "store_failures_as"};
    if (type == "semantic_model" || type == "saved_query")
      return Same(old, now, "config");
    const Dict* a = DictAt(now, "unrendered_config");
    const Dict* b = DictAt(old, "unrendered_config");
    if (type == "test")
      return SameUnrenderedConfig(a, b, kNone, &kTestModifiers);
    if (parsed_node())
      return SameUnrenderedConfig(a, b, kNodeExcluded, nullptr);
    if (type == "metric")
      return SameUnrenderedConfig(a, b, kGroupExcluded, nullptr);
    return SameUnrenderedConfig(a, b, kNone, nullptr);
  }
  bool SamePersistedDescription() const {
    const Dict* persist = DictAt(DictAt(now, "config"), "persist_docs");
    if (Get(persist, "relation").Truthy() && !Same(old, now, "description"))
      return false;
    if (Get(persist, "columns").Truthy()) {
      auto descriptions = [](const Dict* node) {
        std::vector<std::pair<std::string, std::string>> out;
        if (const Dict* columns = DictAt(node, "columns")) {
          for (const auto& [name, column] : columns->entries())
            out.emplace_back(
                name.Str(),
                Get(column.is_dict() ? &column.as_dict() : nullptr, "description").Str());
        }
        std::sort(out.begin(), out.end());
        return out;
      };
      if (descriptions(now) != descriptions(old))
        return false;
    }
    return true;
  }
  bool SameDatabaseRepresentation() const {
    if (type == "source") {  // rendered database and schema (dbt's default flags)
      return Same(old, now, "database") && Same(old, now, "schema") && Same(old, now, "identifier");
    }
    const Dict* a = DictAt(now, "unrendered_config");
    const Dict* b = DictAt(old, "unrendered_config");
    for (const char* key : {"database", "schema", "alias"}) {
      if (!Same(a, b, key))
        return false;
    }
    return true;
  }
  // ModelNode.same_contract, without the breaking-change report: any change of an enforced
  // contract is a change.
  bool SameContract() const {
    if (type != "model")
      return true;
    bool was = Get(DictAt(old, "contract"), "enforced").Truthy();
    bool is = Get(DictAt(now, "contract"), "enforced").Truthy();
    if (!was && !is)
      return true;
    if (!was && is)
      return false;
    return is && Same(DictAt(old, "contract"), DictAt(now, "contract"), "checksum");
  }
  bool SameContents() const {
    if (type == "source" || type == "exposure" || type == "metric" || type == "semantic_model" ||
        type == "saved_query") {
      if (old == nullptr)
        return true;  // dbt's rule for these: a new one is not a modified one
    } else if (old == nullptr) {
      return false;
    }
    auto all = [&](std::initializer_list<const char*> keys) {
      for (const char* k : keys) {
        if (!Same(old, now, k))
          return false;
      }
      return true;
    };
    if (type == "source") {
      return SameDatabaseRepresentation() && Same(old, now, "fqn") && SameConfig() &&
             all({"quoting", "freshness", "loaded_at_field", "external"});
    }
    if (type == "exposure") {
      auto nodes = [](const Dict* d) {
        std::set<std::string> out;
        const Value& v = Get(DictAt(d, "depends_on"), "nodes");
        if (v.is_list()) {
          for (const Value& x : v.as_list())
            out.insert(x.Str());
        }
        return out;
      };
      return all({"fqn", "type", "owner", "maturity", "url", "description", "label"}) &&
             nodes(old) == nodes(now) && SameConfig();
    }
    if (type == "metric")
      return all({"type", "description", "label"}) && SameConfig();
    if (type == "semantic_model") {
      return all({"model", "description", "defaults", "entities", "dimensions", "measures",
                  "config", "primary_entity", "group"});
    }
    if (type == "saved_query") {
      const Dict* qa = DictAt(old, "query_params");
      const Dict* qb = DictAt(now, "query_params");
      if (!(Same(qa, qb, "metrics") && Same(qa, qb, "group_by") && Same(qa, qb, "where") &&
            all({"description", "label", "config", "group", "tags"})))
        return false;
      const Value& ea = Get(old, "exports");
      const Value& eb = Get(now, "exports");
      size_t na = ea.is_list() ? ea.as_list().size() : 0;
      size_t nb = eb.is_list() ? eb.as_list().size() : 0;
      if (na != nb)
        return false;
      for (size_t i = 0; i < na; ++i) {
        const Dict* xa = ea.as_list()[i].is_dict() ? &ea.as_list()[i].as_dict() : nullptr;
        const Dict* xb = eb.as_list()[i].is_dict() ? &eb.as_list()[i].as_dict() : nullptr;
        if (!Same(xa, xb, "name"))
          return false;
        for (const char* k : {"export_as", "schema", "alias"}) {
          if (!Same(DictAt(xa, "unrendered_config"), DictAt(xb, "unrendered_config"), k))
            return false;
        }
      }
      return true;
    }
    if (type == "unit_test")
      return Same(old, now, "checksum");
    if (generic_test)
      return SameConfig() && Same(old, now, "fqn");
    bool same = SameBody() && SameConfig() && SamePersistedDescription() && Same(old, now, "fqn") &&
                SameDatabaseRepresentation() && SameContract();
    if (type == "model")
      same = same && all({"latest_version", "access", "deprecation_date"});
    return same;
  }
};

bool ReadJsonArtifact(const std::string& path, Value& out, Diagnostics& diagnostics) {
  std::string text;
  if (!ReadFile(path, text, diagnostics))
    return false;
  bool ok = false;
  out = jinja::FromJsonText(text, &ok);
  if (!ok || !out.is_dict()) {
    diagnostics.Error(Code::kDbtState, {path, 0, 0}, "--state: " + path + " is not a JSON object",
                      "point --state at the target folder of an earlier dbt or floe invocation");
    out = Value();
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<PreviousState> PreviousState::Load(const std::string& dir,
                                                   Diagnostics& diagnostics) {
  if (!fs::is_directory(dir)) {
    diagnostics.Error(Code::kDbtState, {"--state", 0, 0},
                      "Invalid value for '--state': Path '" + dir + "' does not exist.",
                      "point --state at the target folder of an earlier dbt or floe invocation");
    return nullptr;
  }
  auto state = std::make_unique<PreviousState>();
  for (const auto& [name, value] :
       {std::pair{"manifest.json", &state->manifest_}, {"run_results.json", &state->results_}}) {
    std::string path = (fs::path(dir) / name).string();
    if (fs::exists(path) && !ReadJsonArtifact(path, *value, diagnostics))
      return nullptr;
  }
  if (state->manifest_.is_dict()) {
    for (const char* section : {"nodes", "sources", "exposures", "metrics", "semantic_models",
                                "unit_tests", "saved_queries"}) {
      const Value* entries = state->manifest_.as_dict().FindKey(section);
      if (entries == nullptr || !entries->is_dict())
        continue;
      for (const auto& [id, entry] : entries->as_dict().entries()) {
        if (entry.is_dict())
          state->previous_.emplace(id.Str(), &entry.as_dict());
      }
    }
  }
  return state;
}

std::optional<std::set<std::string>> PreviousState::Select(const Project& project,
                                                           const std::string& check) const {
  static const std::set<std::string> kChecks = {"new",
                                                "old",
                                                "modified",
                                                "unmodified",
                                                "modified.body",
                                                "modified.configs",
                                                "modified.persisted_descriptions",
                                                "modified.relation",
                                                "modified.macros",
                                                "modified.contract"};
  if (kChecks.count(check) == 0)
    return std::nullopt;
  // Macros whose text changed, appeared or went away since the previous manifest.
  std::set<std::string> changed_macros;
  std::unordered_map<std::string_view, const Macro*> macros;
  for (const auto& m : project.manifest.macros)
    macros.emplace(m->unique_id, m.get());
  const Dict* old_macros = DictAt(&manifest_.as_dict(), "macros");
  for (const auto& [id, m] : macros) {
    const Dict* old = DictAt(old_macros, id);
    if (old == nullptr || Get(old, "macro_sql").Str() != m->macro_sql)
      changed_macros.emplace(id);
  }
  if (old_macros != nullptr) {
    for (const auto& [id, m] : old_macros->entries()) {
      if (macros.count(id.Str()) == 0)
        changed_macros.insert(id.Str());
    }
  }
  // A node's macros (its manifest entry's depends_on.macros): is one of them changed?
  auto macro_changed = [&](const Dict* node) {
    const Value& list = Get(DictAt(node, "depends_on"), "macros");
    if (list.is_list()) {
      for (const Value& id : list.as_list()) {
        if (changed_macros.count(id.Str()) != 0)
          return true;
      }
    }
    return false;
  };

  std::vector<const Node*> nodes;
  for (const auto& n : project.manifest.nodes) {
    if (n->resource_type != "group")
      nodes.push_back(n.get());
  }
  std::vector<char> hit(nodes.size(), 0);
  // Each node is written as its manifest entry and read back, so that both versions compare
  // in the same form.
  ParallelFor(nodes.size(), [&](size_t i) {
    const Node& n = *nodes[i];
    bool ok = false;
    Value now = jinja::FromJsonText(ManifestEntryJson(n, project), &ok);
    auto it = previous_.find(n.unique_id);
    Versions v{it == previous_.end() ? nullptr : it->second, &now.as_dict(),
               std::string_view(n.resource_type),
               n.resource_type == "test" && now.as_dict().FindKey("test_metadata") != nullptr};
    auto changed = [&](bool has, bool same) { return has && (v.old == nullptr || !same); };
    bool out = false;
    if (check == "new") {
      out = v.old == nullptr;
    } else if (check == "old") {
      out = v.old != nullptr;
    } else if (check == "modified" || check == "unmodified") {
      bool modified =
          !v.SameContents() || macro_changed(v.now) ||
          (v.old != nullptr && Get(v.old, "resource_type").Str() == "model" && !v.SameContract());
      out = check == "modified" ? modified : !modified;
    } else if (check == "modified.body") {
      out = changed(v.parsed_node(), v.old != nullptr && v.SameBody());
    } else if (check == "modified.configs") {
      out = changed(v.type != "unit_test", v.old != nullptr && v.SameConfig());
    } else if (check == "modified.persisted_descriptions") {
      out = changed(v.parsed_node(), v.old != nullptr && v.SamePersistedDescription());
    } else if (check == "modified.relation") {
      out = changed(v.parsed_node() || v.type == "source",
                    v.old != nullptr && v.SameDatabaseRepresentation());
    } else if (check == "modified.macros") {
      out = macro_changed(v.now);
    } else if (check == "modified.contract") {
      out = changed(v.parsed_node(), v.old != nullptr && v.SameContract());
    }
    hit[i] = out ? 1 : 0;
  });
  std::set<std::string> out;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (hit[i] != 0)
      out.insert(nodes[i]->unique_id);
  }
  return out;
}

std::set<std::string> PreviousState::WithResult(const std::string& status) const {
  std::set<std::string> out;
  const Value& results = Get(&results_.as_dict(), "results");
  if (!results.is_list())
    return out;
  for (const Value& r : results.as_list()) {
    const Dict* d = r.is_dict() ? &r.as_dict() : nullptr;
    if (Get(d, "status").Str() == status)
      out.insert(Get(d, "unique_id").Str());
  }
  return out;
}

}  // namespace floe::dbt
