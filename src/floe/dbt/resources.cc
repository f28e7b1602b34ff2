#include "floe/dbt/resources.h"

#include <algorithm>
#include <set>

#include "floe/base/hash.h"
#include "floe/dbt/parse.h"
#include "floe/jinja/parser.h"

namespace floe::dbt {
namespace {

// The items of a list value (a scalar is a list of one): a copy, safe to iterate over.
List Items(const Value& v) {
  if (v.is_list())
    return v.as_list();
  if (v.is_none() || v.is_undefined())
    return {};
  return {v};
}

Value ListOf(const Value& v) {
  if (v.is_list())
    return v;
  if (v.is_none() || v.is_undefined())
    return Value(List{});
  return Value(List{v});
}

Value Meta(const Dict& entry) {
  Value meta = OrDefault(entry, "meta", Value(Dict()));
  const Value& cfg = Get(entry, "config");
  if (cfg.is_dict() && cfg.as_dict().FindKey("meta") && cfg.as_dict().FindKey("meta")->is_dict()) {
    Dict merged = meta.is_dict() ? meta.as_dict() : Dict();
    for (const auto& [k, v] : cfg.as_dict().FindKey("meta")->as_dict().entries())
      merged.Set(k, v);
    return Value(std::move(merged));
  }
  return meta.is_dict() ? meta : Value(Dict());
}

// A metric input ({name, filter, alias, offset_window, offset_to_grain}) from a name or a dict.
Value MetricInput(const Value& v) {
  Dict d;
  if (v.is_dict()) {
    const Dict& in = v.as_dict();
    d.Append(Value("name"), OrDefault(in, "name", Value("")));
    Value filter = Get(in, "filter");
    if (filter.is_string()) {
      Dict wf;
      Dict f;
      f.Append(Value("where_sql_template"), filter);
      wf.Append(Value("where_filters"), Value(List{Value(std::move(f))}));
      filter = Value(std::move(wf));
    }
    d.Append(Value("filter"), filter);
    d.Append(Value("alias"), Get(in, "alias"));
    Value window = Get(in, "offset_window");
    if (window.is_string()) {
      // "7 days" -> {count: 7, granularity: day}
      std::string w(window.as_string());
      size_t sp = w.find(' ');
      Dict o;
      o.Append(Value("count"), Value(static_cast<int64_t>(std::atoll(w.substr(0, sp).c_str()))));
      std::string g = sp == std::string::npos ? "" : w.substr(sp + 1);
      if (!g.empty() && g.back() == 's')
        g.pop_back();
      o.Append(Value("granularity"), Value(g));
      window = Value(std::move(o));
    }
    d.Append(Value("offset_window"), window);
    d.Append(Value("offset_to_grain"), Get(in, "offset_to_grain"));
  } else {
    d.Append(Value("name"), Value(v.Str()));
    d.Append(Value("filter"), None());
    d.Append(Value("alias"), None());
    d.Append(Value("offset_window"), None());
    d.Append(Value("offset_to_grain"), None());
  }
  return Value(std::move(d));
}

Value MeasureInput(const Value& v) {
  Dict d;
  if (v.is_dict()) {
    const Dict& in = v.as_dict();
    d.Append(Value("name"), OrDefault(in, "name", Value("")));
    d.Append(Value("filter"), Get(in, "filter"));
    d.Append(Value("alias"), Get(in, "alias"));
    d.Append(Value("join_to_timespine"), OrDefault(in, "join_to_timespine", Value(false)));
    d.Append(Value("fill_nulls_with"), Get(in, "fill_nulls_with"));
  } else {
    d.Append(Value("name"), Value(v.Str()));
    d.Append(Value("filter"), None());
    d.Append(Value("alias"), None());
    d.Append(Value("join_to_timespine"), Value(false));
    d.Append(Value("fill_nulls_with"), None());
  }
  return Value(std::move(d));
}

Value WhereFilter(const Value& filter) {
  if (filter.is_none())
    return None();
  List filters;
  for (const Value& f : Items(filter)) {
    Dict one;
    one.Append(Value("where_sql_template"), Value(f.Str()));
    filters.emplace_back(std::move(one));
  }
  Dict wf;
  wf.Append(Value("where_filters"), Value(filters));
  return Value(std::move(wf));
}

// A unit test fixture's rows as dbt keeps them: csv text read into dicts of strings (empty
// fields None); for dict and csv rows, the first row without None moved to the front.
Value NormalizeRows(const Value& rows, const std::string& format) {
  if (format == "csv" && rows.is_string()) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    bool quoted = false;
    std::string text(rows.as_string());
    for (size_t i = 0; i <= text.size(); ++i) {
      char c = i < text.size() ? text[i] : '\n';
      if (quoted) {
        if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          field += c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.push_back(field);
        field.clear();
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
          ++i;
        record.push_back(field);
        field.clear();
        if (!(record.size() == 1 && record[0].empty()))  // blank lines are skipped
          records.push_back(record);
        record.clear();
      } else {
        field += c;
      }
    }
    List out;
    for (size_t r = 1; r < records.size(); ++r) {
      Dict row;
      for (size_t i = 0; i < records[0].size(); ++i) {
        const std::string* v = i < records[r].size() ? &records[r][i] : nullptr;
        row.Set(Value(records[0][i]), v == nullptr || v->empty() ? None() : Value(*v));
      }
      out.emplace_back(std::move(row));
    }
    return NormalizeRows(Value(std::move(out)), "dict");
  }
  if ((format == "dict" || format == "csv") && rows.is_list() && !rows.as_list().empty()) {
    List out = rows.as_list();
    for (size_t i = 0; i < out.size(); ++i) {
      bool complete = out[i].is_dict();
      if (complete) {
        for (const auto& [k, v] : out[i].as_dict().entries())
          complete = complete && !v.is_none();
      }
      if (complete) {
        std::swap(out[0], out[i]);
        break;
      }
    }
    return Value(std::move(out));
  }
  if (rows.is_string() && !rows.as_string().empty() && rows.as_string().back() == '\n') {
    // dbt renders YAML strings with Jinja, which drops one trailing newline
    std::string text(rows.as_string());
    text.pop_back();
    return Value(std::move(text));
  }
  return rows;
}

// Python's repr of dbt's unit test dataclasses, for the checksum.
std::string FormatRepr(const Value& format) {
  std::string f = format.Str();
  std::string member = f == "csv" ? "CSV" : f == "sql" ? "SQL" : "Dict";
  return "<UnitTestFormat." + member + ": '" + f + "'>";
}

std::string FixtureRepr(const Dict& fixture, bool input) {
  auto get = [&](const char* k) { return Get(fixture, k); };
  std::string out = input ? "UnitTestInputFixture(input=" + get("input").Repr() + ", "
                          : std::string("UnitTestOutputFixture(");
  out += "rows=" + get("rows").Repr() + ", format=" + FormatRepr(get("format")) +
         ", fixture=" + get("fixture").Repr() + ")";
  return out;
}

// dbt's build_unit_test_checksum: sha256 of "{model}-{versions}-{given}-{expect}-{overrides}"
// as Python formats those objects.
std::string UnitTestChecksum(const Dict& d, const Value& versions) {
  auto get = [&](const char* k) { return Get(d, k); };
  std::string text = get("model").Str() + "-";
  if (versions.is_dict()) {
    const Dict& v = versions.as_dict();
    text += "UnitTestNodeVersions(include=" + Get(v, "include").Repr() +
            ", exclude=" + Get(v, "exclude").Repr() + ")";
  } else {
    text += "None";
  }
  text += "-[";
  Value given = get("given");
  if (given.is_list()) {
    for (size_t i = 0; i < given.as_list().size(); ++i) {
      if (i > 0)
        text += ", ";
      if (given.as_list()[i].is_dict())
        text += FixtureRepr(given.as_list()[i].as_dict(), true);
    }
  }
  text += "]-";
  Value expect = get("expect");
  text += expect.is_dict() ? FixtureRepr(expect.as_dict(), false) : "None";
  text += "-";
  Value overrides = get("overrides");
  if (overrides.is_dict()) {
    auto part = [&](const char* k) {
      const Value* v = overrides.as_dict().FindKey(k);
      return v && !v->is_none() ? v->Repr() : std::string("{}");
    };
    text += "UnitTestOverrides(macros=" + part("macros") + ", vars=" + part("vars") +
            ", env_vars=" + part("env_vars") + ")";
  } else {
    text += "None";
  }
  return Sha256Hex(text);
}

class Builder {
 public:
  Builder(Project& project, Session& session, Diagnostics& diagnostics)
      : project_(project), session_(session), m_(project.manifest), diags_(diagnostics) {}

  void Run(const std::vector<YamlResources>& lists) {
    // Semantic models first: metrics depend on the measures they define.
    for (const char* key :
         {"groups", "semantic_models", "metrics", "saved_queries", "exposures", "unit_tests"}) {
      for (const YamlResources& l : lists) {
        if (l.key != key || !l.entries.is_list())
          continue;
        for (const Value& e : l.entries.as_list()) {
          if (e.is_dict() && e.as_dict().FindKey("name"))
            Add(l, e.as_dict());
        }
      }
    }
    ExpandVersionedUnitTests();
  }

 private:
  struct PendingUnitTest {
    Node* node;
    YamlResources list;
    std::string model;  // the tested model's name
    Value versions;     // the unit test's `versions:` (include/exclude) or None
  };
  std::vector<PendingUnitTest> versioned_unit_tests_;

  // A unit test of a versioned model becomes one per version it tests (all, or its
  // include/exclude), `<name>_v<version>`, after every other unit test (as dbt's
  // process_models_for_unit_test does).
  void ExpandVersionedUnitTests() {
    for (const PendingUnitTest& p : versioned_unit_tests_) {
      std::vector<const Node*> versions;
      for (const auto& m : m_.nodes) {
        if (m->resource_type != "model" || m->name != p.model || m->package != p.node->package)
          continue;
        const Value* v = m->data.as_dict().FindKey("version");
        if (v == nullptr || v->is_none())
          continue;
        auto listed = [&](const char* key) {
          const Value* l = p.versions.is_dict() ? p.versions.as_dict().FindKey(key) : nullptr;
          if (l == nullptr || !l->is_list())
            return false;
          for (const Value& x : l->as_list()) {
            if (x.Equals(*v))  // type-sensitive, as Python's `in`
              return true;
          }
          return false;
        };
        const Value* include =
            p.versions.is_dict() ? p.versions.as_dict().FindKey("include") : nullptr;
        const Value* exclude =
            p.versions.is_dict() ? p.versions.as_dict().FindKey("exclude") : nullptr;
        if (exclude != nullptr && exclude->is_list() && !exclude->as_list().empty()) {
          if (listed("exclude"))
            continue;
        } else if (include != nullptr && include->is_list() && !include->as_list().empty()) {
          if (!listed("include"))
            continue;
        }
        versions.push_back(m.get());
      }
      if (versions.empty())
        continue;  // not a versioned model: the unit test stays as it is
      Node& original = *p.node;
      for (const Node* model : versions) {
        Value version = *model->data.as_dict().FindKey("version");
        Node* n = NewNode(p.list, "unit_test", original.name,
                          p.model + "." + original.name + "_v" + version.Str());
        n->fqn = original.fqn;
        RefCall r;
        r.name = p.model;
        r.version = version;
        n->refs.push_back(r);
        n->data = Value(Dict(original.data.as_dict()));
        Dict& d = n->data.as_dict();
        d.Set(Value("unique_id"), Value(n->unique_id));
        d.Set(Value("version"), version);
        n->config = &d.Find(Value("config"))->as_dict();
      }
      m_.by_id.erase(original.unique_id);
      for (auto it = m_.nodes.begin(); it != m_.nodes.end(); ++it) {
        if (it->get() == &original) {
          m_.nodes.erase(it);
          break;
        }
      }
    }
  }

  Node* NewNode(const YamlResources& l, const std::string& type, const std::string& name,
                const std::string& id_suffix = "") {
    auto n = std::make_unique<Node>();
    n->resource_type = type;
    n->name = name;
    n->package = l.package->name;
    n->original_file_path = l.file;
    n->path = l.file.rfind(l.dir + "/", 0) == 0 ? l.file.substr(l.dir.size() + 1) : l.file;
    n->unique_id = type + "." + n->package + "." + (id_suffix.empty() ? name : id_suffix);
    n->fqn.push_back(n->package);
    for (const std::string& d : DirsOf(n->path))
      n->fqn.push_back(d);
    n->pos = {DisplayPath(project_, *l.package, l.file), 1, 1};
    n->data = Value(Dict());
    Node* raw = n.get();
    m_.nodes.push_back(std::move(n));
    m_.by_id[raw->unique_id] = raw;
    return raw;
  }

  // Records the refs and sources of Jinja strings such as "ref('x')" on the node.
  void CaptureRefs(Node& n, const std::vector<std::string>& calls) {
    std::string code;
    for (const std::string& c : calls)
      code += "{{ " + c + " }}";
    if (code.empty())
      return;
    try {
      n.tpl = std::make_shared<jinja::Template>(jinja::Parse(code, n.pos.path));
      n.data.as_dict().Set(Value("config"), Value(Dict()));
      n.config = &n.data.as_dict().Find(Value("config"))->as_dict();
      RenderNode(session_, n, Phase::kParse);
    } catch (const jinja::TemplateError& e) {
      diags_.Error(Code::kDbtJinja, {n.pos.path, 0, 0}, "in " + n.unique_id + ": " + e.message);
    } catch (const CompilationError& e) {
      diags_.Error(Code::kDbtCompilation, {n.pos.path, 0, 0},
                   "in " + n.unique_id + ": " + e.message);
    }
    n.tpl = nullptr;
  }

  Value FqnValue(const Node& n) {
    List fqn;
    for (const std::string& f : n.fqn)
      fqn.emplace_back(f);
    return Value(fqn);
  }

  Value DependsOn() {
    Dict dep;
    dep.Append(Value("macros"), Value(List{}));
    dep.Append(Value("nodes"), Value(List{}));
    return Value(std::move(dep));
  }

  Value Config(const Dict& entry, bool with_tags, const Value& group) {
    Dict cfg;
    cfg.Append(Value("enabled"), Value(true));
    if (!with_tags)
      cfg.Append(Value("group"), group);
    else
      cfg.Append(Value("tags"), Value(List{}));
    cfg.Append(Value("meta"), Meta(entry));
    const Value& in = Get(entry, "config");
    if (in.is_dict()) {
      for (const auto& [k, v] : in.as_dict().entries()) {
        if (k.Str() != "meta")
          cfg.Set(k, v);
      }
    }
    return Value(std::move(cfg));
  }

  // dbt's UnrenderedConfigGenerator: the configs of the project's `tree_key:` tree for the
  // resource's fqn, as written; then its own `config:`; then, for a package's resource, the root
  // project's tree again.
  Value UnrenderedConfig(const Node& n, const char* tree_key, const Value& own_config) {
    Dict unrendered;
    auto apply_tree = [&](const Package& p) {
      if (const Value* tree = p.configs.FindKey(tree_key)) {
        Dict ignored;
        ApplyTree(*tree, n.fqn, ignored, &unrendered);
      }
    };
    const Package* own = project_.FindPackage(n.package);
    if (own != nullptr)
      apply_tree(*own);
    if (own_config.is_dict()) {
      for (const auto& [k, v] : own_config.as_dict().entries())
        unrendered.Set(k, v);
    }
    if (own != &project_.root())
      apply_tree(project_.root());
    return Value(std::move(unrendered));
  }

  Value Group(const Dict& entry) {
    const Value& cfg = Get(entry, "config");
    if (cfg.is_dict() && cfg.as_dict().FindKey("group"))
      return *cfg.as_dict().FindKey("group");
    return Get(entry, "group");
  }

  void Add(const YamlResources& l, const Dict& e) {
    std::string name = Get(e, "name").Str();
    if (l.key == "groups") {
      Node* n = NewNode(l, "group", name);
      n->fqn.push_back(name);
      // dbt builds a group's config as a model's: the project's `models:` tree for the folder of
      // its YAML file (materialized, tags, … all land there), then the group's own config.
      Dict from_tree;
      for (const auto& p : project_.packages) {
        if (!p->root && p->name != n->package)
          continue;
        if (const Value* tree = p->configs.FindKey("models"))
          ApplyTree(*tree, n->fqn, from_tree, nullptr);
      }
      n->fqn.clear();
      Dict& d = n->data.as_dict();
      d.Append(Value("name"), Value(name));
      d.Append(Value("resource_type"), Value("group"));
      d.Append(Value("package_name"), Value(n->package));
      d.Append(Value("path"), Value(n->path));
      d.Append(Value("original_file_path"), Value(n->original_file_path));
      d.Append(Value("unique_id"), Value(n->unique_id));
      d.Append(Value("owner"), OrDefault(e, "owner", Value(Dict())));
      d.Append(Value("description"), Get(e, "description"));
      Dict cfg;
      cfg.Append(Value("meta"),
                 from_tree.FindKey("meta") ? *from_tree.FindKey("meta") : Value(Dict()));
      for (const auto& [k, v] : from_tree.entries())
        cfg.Set(k, v);
      MergeConfig(cfg, "meta", Meta(e));
      if (const Value& own = Get(e, "config"); own.is_dict()) {
        for (const auto& [k, v] : own.as_dict().entries()) {
          if (k.Str() != "meta")
            MergeConfig(cfg, k.Str(), v);
        }
      }
      d.Append(Value("config"), Value(std::move(cfg)));
      return;
    }
    if (l.key == "exposures") {
      Node* n = NewNode(l, "exposure", name);
      n->fqn.push_back(name);
      std::vector<std::string> calls;
      for (const Value& dep : Items(Get(e, "depends_on")))
        calls.push_back(dep.Str());
      CaptureRefs(*n, calls);
      Dict& d = n->data.as_dict();
      d = Dict();
      Value cfg = Config(e, true, None());
      std::set<std::string> tags;
      for (const Value* list : {&Get(e, "tags"), cfg.as_dict().FindKey("tags")}) {
        for (const Value& t : Items(*list))
          tags.insert(t.Str());
      }
      if (const Value* tree = project_.root().configs.FindKey("exposures")) {
        // `+tags` of the project's exposures: tree
        for (const std::string& key : {std::string("+tags"), std::string("tags")}) {
          const Value* pkg = tree->is_dict() ? tree->as_dict().FindKey(n->package) : nullptr;
          for (const Value* level : {tree, pkg}) {
            if (level && level->is_dict()) {
              if (const Value* t = level->as_dict().FindKey(key))
                for (const Value& x : Items(*t))
                  tags.insert(x.Str());
            }
          }
        }
      }
      List tag_list;
      for (const std::string& t : tags)
        tag_list.emplace_back(t);
      cfg.as_dict().Set(Value("tags"), Value(tag_list));
      d.Append(Value("name"), Value(name));
      d.Append(Value("resource_type"), Value("exposure"));
      d.Append(Value("package_name"), Value(n->package));
      d.Append(Value("path"), Value(n->path));
      d.Append(Value("original_file_path"), Value(n->original_file_path));
      d.Append(Value("unique_id"), Value(n->unique_id));
      d.Append(Value("fqn"), FqnValue(*n));
      d.Append(Value("type"), OrDefault(e, "type", Value("dashboard")));
      Value owner = OrDefault(e, "owner", Value(Dict()));
      if (owner.is_dict()) {
        Dict o;
        o.Append(Value("email"), Get(owner.as_dict(), "email"));
        o.Append(Value("name"), Get(owner.as_dict(), "name"));
        for (const auto& [k, v] : owner.as_dict().entries())
          o.Set(k, v);
        owner = Value(std::move(o));
      }
      d.Append(Value("owner"), owner);
      d.Append(Value("description"),
               RenderDescription(project_, session_, *l.package,
                                 OrDefault(e, "description", Value("")), diags_));
      d.Append(Value("label"), Get(e, "label"));
      d.Append(Value("maturity"), Get(e, "maturity"));
      d.Append(Value("meta"), Meta(e));
      d.Append(Value("tags"), Value(tag_list));
      d.Append(Value("config"), cfg);
      d.Append(Value("unrendered_config"), UnrenderedConfig(*n, "exposures", Get(e, "config")));
      d.Append(Value("url"), Get(e, "url"));
      d.Append(Value("depends_on"), DependsOn());
      d.Append(Value("refs"), RefsValue(*n));
      d.Append(Value("sources"), SourcesValue(*n));
      d.Append(Value("metrics"), Value(List{}));
      d.Append(Value("created_at"), Value(0.0));
      n->config = &d.Find(Value("config"))->as_dict();
      return;
    }
    if (l.key == "semantic_models") {
      Node* n = NewNode(l, "semantic_model", name);
      n->fqn.push_back(name);
      std::string model = Get(e, "model").Str();
      CaptureRefs(*n, {model});
      Dict& d = n->data.as_dict();
      d = Dict();
      Value group = Group(e);
      d.Append(Value("name"), Value(name));
      d.Append(Value("resource_type"), Value("semantic_model"));
      d.Append(Value("package_name"), Value(n->package));
      d.Append(Value("path"), Value(n->path));
      d.Append(Value("original_file_path"), Value(n->original_file_path));
      d.Append(Value("unique_id"), Value(n->unique_id));
      d.Append(Value("fqn"), FqnValue(*n));
      d.Append(Value("model"), Value(model));
      Dict relation;
      if (!n->refs.empty()) {
        std::string id = ResolveRef(project_, *n, n->refs[0]);
        auto it = m_.by_id.find(id);
        if (it != m_.by_id.end()) {
          const Dict& target = it->second->data.as_dict();
          relation.Append(Value("alias"), Get(target, "alias"));
          relation.Append(Value("schema_name"), Get(target, "schema"));
          relation.Append(Value("database"), Get(target, "database"));
          relation.Append(Value("relation_name"), Get(target, "relation_name"));
        }
      }
      if (relation.size() == 0) {
        relation.Append(Value("alias"), Value(""));
        relation.Append(Value("schema_name"), Value(""));
      }
      d.Append(Value("node_relation"), Value(std::move(relation)));
      d.Append(Value("description"), Get(e, "description"));
      d.Append(Value("label"), Get(e, "label"));
      d.Append(Value("defaults"), Get(e, "defaults"));
      List entities, measures, dimensions;
      for (const Value& x : Items(Get(e, "entities"))) {
        if (!x.is_dict())
          continue;
        const Dict& in = x.as_dict();
        Dict o;
        o.Append(Value("name"), Get(in, "name"));
        o.Append(Value("type"), Get(in, "type"));
        o.Append(Value("description"), Get(in, "description"));
        o.Append(Value("label"), Get(in, "label"));
        o.Append(Value("role"), Get(in, "role"));
        o.Append(Value("expr"), Get(in, "expr"));
        Dict c;
        c.Append(Value("meta"), Meta(in));
        o.Append(Value("config"), Value(std::move(c)));
        entities.emplace_back(std::move(o));
      }
      for (const Value& x : Items(Get(e, "measures"))) {
        if (!x.is_dict())
          continue;
        const Dict& in = x.as_dict();
        Dict o;
        o.Append(Value("name"), Get(in, "name"));
        o.Append(Value("agg"), Get(in, "agg"));
        o.Append(Value("description"), Get(in, "description"));
        o.Append(Value("label"), Get(in, "label"));
        o.Append(Value("create_metric"), OrDefault(in, "create_metric", Value(false)));
        Value expr = Get(in, "expr");
        o.Append(Value("expr"), expr.is_none() ? expr : Value(expr.Str()));
        o.Append(Value("agg_params"), Get(in, "agg_params"));
        o.Append(Value("non_additive_dimension"), Get(in, "non_additive_dimension"));
        o.Append(Value("agg_time_dimension"), Get(in, "agg_time_dimension"));
        Dict c;
        c.Append(Value("meta"), Meta(in));
        o.Append(Value("config"), Value(std::move(c)));
        measures.emplace_back(std::move(o));
        measure_owner_[Get(in, "name").Str()] = n->unique_id;
        if (Get(in, "create_metric").Truthy())
          created_metrics_.push_back({&l, in});
      }
      for (const Value& x : Items(Get(e, "dimensions"))) {
        if (!x.is_dict())
          continue;
        const Dict& in = x.as_dict();
        Dict o;
        o.Append(Value("name"), Get(in, "name"));
        o.Append(Value("type"), Get(in, "type"));
        o.Append(Value("description"), Get(in, "description"));
        o.Append(Value("label"), Get(in, "label"));
        o.Append(Value("is_partition"), OrDefault(in, "is_partition", Value(false)));
        Value tp = Get(in, "type_params");
        if (tp.is_dict()) {
          Dict t;
          t.Append(Value("time_granularity"), Get(tp.as_dict(), "time_granularity"));
          t.Append(Value("validity_params"), Get(tp.as_dict(), "validity_params"));
          tp = Value(std::move(t));
        }
        o.Append(Value("type_params"), tp);
        o.Append(Value("expr"), Get(in, "expr"));
        o.Append(Value("metadata"), None());
        Dict c;
        c.Append(Value("meta"), Meta(in));
        o.Append(Value("config"), Value(std::move(c)));
        dimensions.emplace_back(std::move(o));
      }
      d.Append(Value("entities"), Value(entities));
      d.Append(Value("measures"), Value(measures));
      d.Append(Value("dimensions"), Value(dimensions));
      d.Append(Value("metadata"), None());
      d.Append(Value("depends_on"), DependsOn());
      d.Append(Value("refs"), RefsValue(*n));
      d.Append(Value("created_at"), Value(0.0));
      d.Append(Value("config"), Config(e, false, group));
      d.Append(Value("unrendered_config"),
               UnrenderedConfig(*n, "semantic_models", Get(e, "config")));
      d.Append(Value("primary_entity"), Get(e, "primary_entity"));
      d.Append(Value("group"), group);
      n->config = &d.Find(Value("config"))->as_dict();
      // Measures with create_metric become simple metrics of the same name.
      for (const auto& [list, measure] : created_metrics_) {
        Dict metric;
        metric.Append(Value("name"), Get(measure, "name"));
        metric.Append(Value("label"), OrDefault(measure, "label", Get(measure, "name")));
        metric.Append(Value("type"), Value("simple"));
        Dict tp;
        tp.Append(Value("measure"), Get(measure, "name"));
        metric.Append(Value("type_params"), Value(std::move(tp)));
        metric.Append(Value("description"), OrDefault(measure, "description",
                                                      Value("Metric created from measure " +
                                                            Get(measure, "name").Str())));
        // dbt's _create_metric: enabled as the semantic model, its config's meta
        Dict config;
        config.Append(Value("enabled"), Value(true));
        config.Append(Value("meta"), *n->config->FindKey("meta"));
        metric.Append(Value("config"), Value(std::move(config)));
        AddMetric(*list, metric);
      }
      created_metrics_.clear();
      return;
    }
    if (l.key == "metrics") {
      AddMetric(l, e);
      return;
    }
    if (l.key == "saved_queries") {
      Node* n = NewNode(l, "saved_query", name);
      n->fqn.push_back(name);
      Dict& d = n->data.as_dict();
      const Value& qp = Get(e, "query_params");
      Dict q;
      List metrics;
      for (const Value& x : Items(qp.is_dict() ? Get(qp.as_dict(), "metrics") : None())) {
        metrics.emplace_back(x.Str());
        n->direct_deps.push_back("metric." + n->package + "." + x.Str());
      }
      q.Append(Value("metrics"), Value(metrics));
      List group_by;
      for (const Value& x : Items(qp.is_dict() ? Get(qp.as_dict(), "group_by") : None()))
        group_by.emplace_back(x.Str());
      q.Append(Value("group_by"), Value(group_by));
      q.Append(Value("where"), WhereFilter(qp.is_dict() ? Get(qp.as_dict(), "where") : None()));
      q.Append(Value("order_by"), Value(List{}));
      q.Append(Value("limit"), None());
      List exports;
      for (const Value& x : Items(Get(e, "exports"))) {
        if (!x.is_dict())
          continue;
        const Value& cfg = Get(x.as_dict(), "config");
        Dict ex;
        ex.Append(Value("name"), Get(x.as_dict(), "name"));
        Dict c;
        c.Append(Value("export_as"), cfg.is_dict()
                                         ? OrDefault(cfg.as_dict(), "export_as", Value("table"))
                                         : Value("table"));
        c.Append(Value("schema_name"),
                 cfg.is_dict() ? OrDefault(cfg.as_dict(), "schema", Value(project_.target.schema()))
                               : Value(project_.target.schema()));
        c.Append(Value("alias"), cfg.is_dict()
                                     ? OrDefault(cfg.as_dict(), "alias", Get(x.as_dict(), "name"))
                                     : Get(x.as_dict(), "name"));
        c.Append(Value("database"), Value(project_.target.database()));
        ex.Append(Value("config"), Value(std::move(c)));
        ex.Append(Value("unrendered_config"), cfg.is_dict() ? cfg : Value(Dict()));
        exports.emplace_back(std::move(ex));
      }
      Value group = Group(e);
      d.Append(Value("name"), Value(name));
      d.Append(Value("resource_type"), Value("saved_query"));
      d.Append(Value("package_name"), Value(n->package));
      d.Append(Value("path"), Value(n->path));
      d.Append(Value("original_file_path"), Value(n->original_file_path));
      d.Append(Value("unique_id"), Value(n->unique_id));
      d.Append(Value("fqn"), FqnValue(*n));
      d.Append(Value("query_params"), Value(std::move(q)));
      d.Append(Value("exports"), Value(exports));
      d.Append(Value("description"), Get(e, "description"));
      d.Append(Value("label"), Get(e, "label"));
      d.Append(Value("metadata"), None());
      Value cfg = Config(e, false, group);
      cfg.as_dict().Set(Value("export_as"), None());
      cfg.as_dict().Set(Value("schema"), None());
      Dict cache;
      cache.Append(Value("enabled"), Value(false));
      cfg.as_dict().Set(Value("cache"), Value(std::move(cache)));
      d.Append(Value("config"), cfg);
      d.Append(Value("unrendered_config"), UnrenderedConfig(*n, "saved_queries", Get(e, "config")));
      d.Append(Value("group"), group);
      d.Append(Value("depends_on"), DependsOn());
      d.Append(Value("created_at"), Value(0.0));
      d.Append(Value("refs"), Value(List{}));
      d.Append(Value("tags"), Value(List{}));
      n->config = &d.Find(Value("config"))->as_dict();
      return;
    }
    if (l.key == "unit_tests") {
      std::string model = Get(e, "model").Str();
      Node* n = NewNode(l, "unit_test", name, model + "." + name);
      n->fqn.push_back(model);
      n->fqn.push_back(name);
      RefCall r;
      r.name = model;
      r.version = None();
      n->refs.push_back(r);
      Dict& d = n->data.as_dict();
      d.Append(Value("model"), Value(model));
      List given;
      for (const Value& x : Items(Get(e, "given"))) {
        if (!x.is_dict())
          continue;
        Dict g;
        Value format = OrDefault(x.as_dict(), "format", Value("dict"));
        g.Append(Value("input"), Value(Get(x.as_dict(), "input").Str()));
        g.Append(Value("rows"), NormalizeRows(Get(x.as_dict(), "rows"), format.Str()));
        g.Append(Value("format"), format);
        g.Append(Value("fixture"), Get(x.as_dict(), "fixture"));
        given.emplace_back(std::move(g));
      }
      d.Append(Value("given"), Value(given));
      const Value& expect_in = Get(e, "expect");
      Dict expect;
      Value expect_format = expect_in.is_dict()
                                ? OrDefault(expect_in.as_dict(), "format", Value("dict"))
                                : Value("dict");
      expect.Append(Value("rows"),
                    NormalizeRows(expect_in.is_dict() ? Get(expect_in.as_dict(), "rows") : None(),
                                  expect_format.Str()));
      expect.Append(Value("format"), expect_format);
      expect.Append(Value("fixture"),
                    expect_in.is_dict() ? Get(expect_in.as_dict(), "fixture") : None());
      d.Append(Value("expect"), Value(std::move(expect)));
      d.Append(Value("name"), Value(name));
      d.Append(Value("resource_type"), Value("unit_test"));
      d.Append(Value("package_name"), Value(n->package));
      d.Append(Value("path"), Value(n->path));
      d.Append(Value("original_file_path"), Value(n->original_file_path));
      d.Append(Value("unique_id"), Value(n->unique_id));
      d.Append(Value("fqn"), FqnValue(*n));
      d.Append(Value("description"), OrDefault(e, "description", Value("")));
      d.Append(Value("overrides"), Get(e, "overrides"));
      d.Append(Value("depends_on"), DependsOn());
      Dict cfg;
      const Value& in = Get(e, "config");
      cfg.Append(Value("tags"), ListOf(in.is_dict() ? Get(in.as_dict(), "tags") : None()));
      cfg.Append(Value("meta"),
                 in.is_dict() ? OrDefault(in.as_dict(), "meta", Value(Dict())) : Value(Dict()));
      cfg.Append(Value("enabled"), Value(true));
      cfg.Append(Value("static_analysis"), None());
      d.Append(Value("config"), Value(std::move(cfg)));
      Value versions = Get(e, "versions");
      if (versions.is_dict()) {
        Dict v;
        v.Append(Value("include"), Get(versions.as_dict(), "include"));
        v.Append(Value("exclude"), Get(versions.as_dict(), "exclude"));
        versions = Value(std::move(v));
      }
      d.Append(Value("checksum"), Value(UnitTestChecksum(d, versions)));
      std::string schema = project_.target.schema();
      std::string id = ResolveRef(project_, *n, r);
      if (auto it = m_.by_id.find(id); it != m_.by_id.end())
        schema = Get(it->second->data.as_dict(), "schema").Str();
      d.Append(Value("schema"), Value(schema));
      d.Append(Value("created_at"), Value(0.0));
      d.Append(Value("versions"), versions);
      d.Append(Value("version"), None());
      n->config = &d.Find(Value("config"))->as_dict();
      if (auto it = m_.by_id.find(id); it != m_.by_id.end()) {
        versioned_unit_tests_.push_back({n, l, it->second->name, versions});
        // an incremental model's SQL depends on is_incremental(): the test must say which
        const Value& ov = Get(e, "overrides");
        const Value* macros = ov.is_dict() ? ov.as_dict().FindKey("macros") : nullptr;
        const Value* flag = macros != nullptr && macros->is_dict()
                                ? macros->as_dict().FindKey("is_incremental")
                                : nullptr;
        if (it->second->materialized() == "incremental" && (flag == nullptr || !flag->is_bool())) {
          diags_.Error(Code::kDbtYaml, {n->pos.path, n->pos.line, n->pos.column},
                       "Parsing Error\n  Boolean override for 'is_incremental' must be provided "
                       "for unit test '" +
                           name + "' in model '" + model + "'",
                       "add `overrides: {macros: {is_incremental: true}}` (or false) to the unit "
                       "test");
        }
      }
      return;
    }
  }

  void AddMetric(const YamlResources& l, const Dict& e) {
    std::string name = Get(e, "name").Str();
    Node* n = NewNode(l, "metric", name);
    n->fqn.push_back(name);
    Dict& d = n->data.as_dict();
    std::string type = OrDefault(e, "type", Value("simple")).Str();
    const Value& tp_in = Get(e, "type_params");
    const Dict empty;
    const Dict& tp = tp_in.is_dict() ? tp_in.as_dict() : empty;
    Dict tp_out;
    Value measure = Get(tp, "measure");
    bool measured = (type == "simple" || type == "cumulative") && !measure.is_none();
    tp_out.Append(Value("measure"), measured ? MeasureInput(measure) : None());
    List inputs;
    if (measured)
      inputs.push_back(MeasureInput(measure));
    tp_out.Append(Value("input_measures"), Value(inputs));
    Value numerator = Get(tp, "numerator");
    Value denominator = Get(tp, "denominator");
    tp_out.Append(Value("numerator"), numerator.is_none() ? None() : MetricInput(numerator));
    tp_out.Append(Value("denominator"), denominator.is_none() ? None() : MetricInput(denominator));
    tp_out.Append(Value("expr"), Get(tp, "expr"));
    tp_out.Append(Value("window"), None());
    tp_out.Append(Value("grain_to_date"), None());
    List metrics;
    for (const Value& x : Items(Get(tp, "metrics")))
      metrics.push_back(MetricInput(x));
    tp_out.Append(Value("metrics"), Value(metrics));
    tp_out.Append(Value("conversion_type_params"), None());
    tp_out.Append(Value("cumulative_type_params"), None());
    tp_out.Append(Value("metric_aggregation_params"), None());
    // Dependencies: the semantic model of the measure, or the metrics it is built from.
    auto depend = [&](const std::string& id) {
      if (std::find(n->direct_deps.begin(), n->direct_deps.end(), id) == n->direct_deps.end())
        n->direct_deps.push_back(id);
    };
    if (measured) {
      std::string m = measure.is_dict() ? Get(measure.as_dict(), "name").Str() : measure.Str();
      if (auto it = measure_owner_.find(m); it != measure_owner_.end())
        depend(it->second);
    } else if (type == "ratio") {
      for (const Value* x : {&numerator, &denominator}) {
        if (!x->is_none())
          depend("metric." + n->package + "." +
                 (x->is_dict() ? Get(x->as_dict(), "name").Str() : x->Str()));
      }
    } else {
      for (const Value& x : Items(Get(tp, "metrics")))
        depend("metric." + n->package + "." +
               (x.is_dict() ? Get(x.as_dict(), "name").Str() : x.Str()));
    }
    Value group = Group(e);
    d.Append(Value("name"), Value(name));
    d.Append(Value("resource_type"), Value("metric"));
    d.Append(Value("package_name"), Value(n->package));
    d.Append(Value("path"), Value(n->path));
    d.Append(Value("original_file_path"), Value(n->original_file_path));
    d.Append(Value("unique_id"), Value(n->unique_id));
    d.Append(Value("fqn"), FqnValue(*n));
    d.Append(Value("description"), OrDefault(e, "description", Value("")));
    d.Append(Value("label"), OrDefault(e, "label", Value(name)));
    d.Append(Value("type"), Value(type));
    d.Append(Value("type_params"), Value(std::move(tp_out)));
    d.Append(Value("filter"), WhereFilter(Get(e, "filter")));
    d.Append(Value("metadata"), None());
    d.Append(Value("time_granularity"), Get(e, "time_granularity"));
    d.Append(Value("meta"), Meta(e));
    d.Append(Value("tags"), ListOf(Get(e, "tags")));
    d.Append(Value("config"), Config(e, false, group));
    d.Append(Value("unrendered_config"), UnrenderedConfig(*n, "metrics", Get(e, "config")));
    d.Append(Value("sources"), Value(List{}));
    d.Append(Value("depends_on"), DependsOn());
    d.Append(Value("refs"), Value(List{}));
    d.Append(Value("metrics"), Value(List{}));
    d.Append(Value("created_at"), Value(0.0));
    d.Append(Value("group"), group);
    n->config = &d.Find(Value("config"))->as_dict();
  }

  Project& project_;
  Session& session_;
  Manifest& m_;
  Diagnostics& diags_;
  std::map<std::string, std::string> measure_owner_;  // measure name -> semantic model id
  std::vector<std::pair<const YamlResources*, Dict>> created_metrics_;
};

}  // namespace

void AddYamlResources(Project& project, Session& session, const std::vector<YamlResources>& lists,
                      Diagnostics& diagnostics) {
  Builder(project, session, diagnostics).Run(lists);
}

std::string ManifestSection(std::string_view resource_type) {
  if (resource_type == "source")
    return "sources";
  if (resource_type == "exposure")
    return "exposures";
  if (resource_type == "metric")
    return "metrics";
  if (resource_type == "semantic_model")
    return "semantic_models";
  if (resource_type == "saved_query")
    return "saved_queries";
  if (resource_type == "unit_test")
    return "unit_tests";
  if (resource_type == "group")
    return "groups";
  return "nodes";
}

Value NormalizeFixtureRows(const Value& rows, const std::string& format) {
  return NormalizeRows(rows, format);
}

}  // namespace floe::dbt
