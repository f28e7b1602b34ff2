#include "floe/dbt/select.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <regex>

#include "floe/dbt/json.h"
#include "floe/dbt/resources.h"

namespace floe::dbt {
namespace fs = std::filesystem;

namespace {

// The entries of selectors.yml, or null without one.
const List* SelectorEntries(const Project& project) {
  const Value* list = project.selectors_yml.is_dict()
                          ? project.selectors_yml.as_dict().FindKey("selectors")
                          : nullptr;
  return list != nullptr && list->is_list() ? &list->as_list() : nullptr;
}

// The definition of the selector named `name` (the last of that name), or null.
const Value* SelectorDefinition(const Project& project, const std::string& name) {
  const Value* found = nullptr;
  if (const List* entries = SelectorEntries(project)) {
    for (const Value& sel : *entries) {
      const Value* n = sel.is_dict() ? sel.as_dict().FindKey("name") : nullptr;
      if (n != nullptr && n->Str() == name)
        found = sel.as_dict().FindKey("definition");
    }
  }
  return found;
}

// dbt's config selector: `config.a.b:value` descends through the node's config by each dotted
// part, then compares as Python does: a string equals the value, a list contains it, and
// true/false (any case) match booleans. Numbers never equal the (string) value; severity is
// compared without case.
bool ConfigMatches(const Dict& config, const std::string& path, const std::string& value) {
  const Value* v = nullptr;
  const Dict* at = &config;
  size_t from = 0;
  for (;;) {
    size_t dot = path.find('.', from);
    std::string part = path.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
    v = at->FindKey(part);
    if (v == nullptr)
      return false;
    if (dot == std::string::npos)
      break;
    if (!v->is_dict())
      return false;
    at = &v->as_dict();
    from = dot + 1;
  }
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto equals = [&](const Value& x) {
    if (x.is_string()) {
      if (path == "severity") {
        std::string xs(x.as_string());
        std::transform(xs.begin(), xs.end(), xs.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return xs == lower;
      }
      return x.as_string() == value;
    }
    if (x.is_bool())
      return lower == (x.as_bool() ? "true" : "false");
    return false;
  };
  if (v->is_list()) {
    for (const Value& item : v->as_list()) {
      if (equals(item))
        return true;
    }
    return false;
  }
  return equals(*v);
}

struct Sets {
  std::set<std::string> direct;
  std::set<std::string> indirect;
};

bool GlobMatch(const std::string& pattern, const std::string& text) {
  // fnmatch with * ? and [..]
  std::string rx;
  for (char c : pattern) {
    if (c == '*')
      rx += ".*";
    else if (c == '?')
      rx += '.';
    else if (c == '[' || c == ']')
      rx += c;
    else if (isalnum(static_cast<unsigned char>(c)) || c == '_')
      rx += c;
    else
      rx += std::string("\\") + c;
  }
  try {
    return std::regex_match(text, std::regex(rx));
  } catch (const std::regex_error&) {
    return pattern == text;
  }
}

// Splits at `sep`; with ' ' also at tabs and newlines (a --select argument's specs).
std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep || (sep == ' ' && (c == '\t' || c == '\n'))) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

class Selector {
 public:
  Selector(const Project& project, const PreviousState* state, Diagnostics& diagnostics)
      : project_(project), m_(project.manifest), state_(state), diags_(diagnostics) {}

  Sets Union(const std::vector<std::string>& args, const std::string& indirect) {
    Sets out;
    for (const std::string& arg : args) {
      std::vector<std::string> specs = Split(arg, ' ');
      for (const std::string& spec : specs) {
        if (spec.empty())
          continue;
        Sets s = Intersection(spec, indirect);
        out.direct.insert(s.direct.begin(), s.direct.end());
        out.indirect.insert(s.indirect.begin(), s.indirect.end());
      }
    }
    return out;
  }

  Sets Definition(const Value& def, const std::string& indirect);

  Sets Expand(std::set<std::string> nodes, const std::string& mode) {
    Sets out;
    out.direct = nodes;
    if (mode == "empty")
      return out;
    std::set<std::string> ancestors;
    if (mode == "buildable") {
      for (const std::string& id : nodes)
        Walk(id, true, -1, ancestors);
    }
    for (const auto& n : m_.nodes) {
      // tests and unit tests follow what they test
      if ((n->resource_type != "test" && n->resource_type != "unit_test") ||
          nodes.count(n->unique_id))
        continue;
      const auto& parents = m_.parent_map.at(n->unique_id);
      if (parents.empty())
        continue;
      bool any = false, all = true, all_buildable = true;
      for (std::string_view parent : parents) {
        std::string p(parent);
        bool in = nodes.count(p) > 0;
        any = any || in;
        all = all && in;
        all_buildable = all_buildable && (in || ancestors.count(p));
      }
      if (!any)
        continue;
      bool take =
          mode == "eager" || (mode == "cautious" && all) || (mode == "buildable" && all_buildable);
      (take ? out.direct : out.indirect).insert(n->unique_id);
    }
    return out;
  }

 private:
  Sets Intersection(const std::string& spec, const std::string& indirect) {
    std::vector<std::string> parts = Split(spec, ',');
    Sets out;
    bool first = true;
    for (const std::string& part : parts) {
      Sets s = Expand(Criteria(part), indirect);
      if (first) {
        out = s;
        first = false;
        continue;
      }
      std::set<std::string> d, i;
      std::set_intersection(out.direct.begin(), out.direct.end(), s.direct.begin(), s.direct.end(),
                            std::inserter(d, d.begin()));
      std::set_intersection(out.indirect.begin(), out.indirect.end(), s.indirect.begin(),
                            s.indirect.end(), std::inserter(i, i.begin()));
      out.direct = d;
      out.indirect = i;
    }
    return out;
  }

  void Walk(const std::string& id, bool up, int depth, std::set<std::string>& out) {
    std::vector<std::pair<std::string, int>> frontier = {{id, 0}};
    const auto& map = up ? m_.parent_map : m_.child_map;
    while (!frontier.empty()) {
      auto [cur, d] = frontier.back();
      frontier.pop_back();
      if (depth >= 0 && d >= depth)
        continue;
      auto it = map.find(cur);
      if (it == map.end())
        continue;
      for (std::string_view next : it->second) {
        if (out.emplace(next).second)
          frontier.emplace_back(next, d + 1);
      }
    }
  }

 public:
  std::set<std::string> Criteria(const std::string& raw) {
    static const std::regex kSpec(R"(^(@)?((\d*)\+)?(([\w.]+)(\.[\w.]+)?:)?(.*?)(\+(\d*))?$)");
    std::smatch m;
    std::set<std::string> out;
    if (!std::regex_match(raw, m, kSpec)) {
      diags_.Error(Code::kDbtSelector, {"--select", 0, 0}, "Invalid selector spec '" + raw + "'");
      return out;
    }
    bool at = m[1].matched;
    bool parents = m[2].matched;
    std::string parents_depth = m[3].str();
    std::string method = m[5].str();
    std::string arg = m[6].matched ? m[6].str().substr(1) : "";
    std::string value = m[7].str();
    bool children = m[8].matched;
    std::string children_depth = m[9].str();
    if (method.rfind("config.", 0) == 0) {
      arg = method.substr(7);
      method = "config";
    }
    if (at && children) {
      diags_.Error(
          Code::kDbtSelector, {"--select", 0, 0},
          "Invalid selector spec '" + raw + "': '@' cannot be combined with a trailing '+'");
      return out;
    }
    std::set<std::string> base = Match(method, arg, value);
    out = base;
    if (parents || at) {
      for (const std::string& id : base)
        Walk(id, true, parents_depth.empty() ? -1 : std::stoi(parents_depth), out);
    }
    if (children || at) {
      std::set<std::string> kids;
      for (const std::string& id : base)
        Walk(id, false, children_depth.empty() ? -1 : std::stoi(children_depth), kids);
      out.insert(kids.begin(), kids.end());
      if (at) {
        for (const std::string& id : kids)
          Walk(id, true, -1, out);
      }
    }
    return out;
  }

 private:
  std::set<std::string> Match(std::string method, const std::string& arg,
                              const std::string& value) {
    std::set<std::string> out;
    if (method.empty()) {
      bool is_path = value.find('/') != std::string::npos ||
                     fs::is_directory(fs::path(project_.root().dir) / value);
      bool is_file = value.size() > 4 && (value.rfind(".sql") == value.size() - 4 ||
                                          value.rfind(".csv") == value.size() - 4 ||
                                          value.rfind(".py") == value.size() - 3);
      method = is_path ? "path" : is_file ? "file" : "fqn";
    }
    if (method == "state" || method == "result")
      return MatchState(method, value);
    auto field = [](const Node& n, const char* k) -> std::string {
      const Value* v = n.data.as_dict().FindKey(k);
      return v && !v->is_none() ? v->Str() : "";
    };
    for (const auto& np : m_.nodes) {
      const Node& n = *np;
      if (n.resource_type == "group")
        continue;  // not selectable
      bool hit = false;
      if (method == "fqn") {
        hit = MatchFqn(n, value);
      } else if (method == "tag") {
        const Value* tags = n.data.as_dict().FindKey("tags");
        if (tags == nullptr && n.config != nullptr)
          tags = n.config->FindKey("tags");
        if (tags && tags->is_list()) {
          for (const Value& t : tags->as_list())
            hit = hit || GlobMatch(value, t.Str());
        }
      } else if (method == "path") {
        std::string p = n.original_file_path;
        std::string v = value;
        while (v.size() > 1 && v.back() == '/')
          v.pop_back();
        if (n.package != project_.root().name) {
          // package paths are relative to the package
        }
        hit = GlobMatch(v, p) || p.rfind(v + "/", 0) == 0 || p == v;
      } else if (method == "file") {
        std::string file = fs::path(n.original_file_path).filename().string();
        hit = GlobMatch(value, file) || GlobMatch(value, fs::path(file).stem().string());
      } else if (method == "package") {
        hit = GlobMatch(value, n.package) || (value == "this" && n.package == project_.root().name);
      } else if (method == "resource_type") {
        hit = n.resource_type == value;
      } else if (method == "test_type") {
        // dbt tests `selector in ("data")`, a substring test on a string, not a tuple: "data"
        // (and its substrings) means generic and singular tests.
        auto part_of = [&](const char* word) {
          return std::string(word).find(value) != std::string::npos;
        };
        std::string kind = value == "generic" || value == "schema" ? "generic"
                           : part_of("data")                       ? "data"
                           : part_of("singular")                   ? "singular"
                           : part_of("unit")                       ? "unit"
                                                                   : "";
        if (n.resource_type == "test") {
          bool generic = n.data.as_dict().FindKey("test_metadata") != nullptr;
          hit =
              kind == "data" || (kind == "generic" && generic) || (kind == "singular" && !generic);
        } else if (n.resource_type == "unit_test") {
          hit = kind == "unit";
        }
      } else if (method == "test_name") {
        if (const Value* md = n.data.as_dict().FindKey("test_metadata")) {
          std::string name = md->as_dict().FindKey("name")->Str();
          const Value* ns = md->as_dict().FindKey("namespace");
          hit = GlobMatch(value, name) ||
                (ns && !ns->is_none() && GlobMatch(value, ns->Str() + "." + name));
        }
      } else if (method == "source") {
        if (n.resource_type == "source") {
          std::string src = field(n, "source_name");
          std::vector<std::string> parts = Split(value, '.');
          if (parts.size() == 1)
            hit = GlobMatch(parts[0], src);
          else if (parts.size() == 2)
            hit = GlobMatch(parts[0], src) && GlobMatch(parts[1], n.name);
          else if (parts.size() == 3)
            hit = GlobMatch(parts[0], n.package) && GlobMatch(parts[1], src) &&
                  GlobMatch(parts[2], n.name);
        }
      } else if (method == "config") {
        // dbt's configurable nodes: the graph's nodes and sources
        bool configurable =
            ManifestSection(n.resource_type) == "nodes" || n.resource_type == "source";
        hit = configurable && n.config != nullptr && ConfigMatches(*n.config, arg, value);
      } else if (method == "group") {
        // dbt's groupable nodes: the graph's nodes and metrics
        bool groupable = ManifestSection(n.resource_type) == "nodes" || n.resource_type == "metric";
        std::string group = groupable ? field(n, "group") : "";
        hit = !group.empty() && GlobMatch(value, group);
      } else if (method == "access") {
        hit = n.resource_type == "model" && field(n, "access") == value;
      } else if (method == "version") {
        if (n.resource_type == "model") {
          std::string v = field(n, "version");
          std::string latest = field(n, "latest_version");
          if (value == "none")
            hit = v.empty();
          else if (value == "latest")
            hit = !v.empty() && v == latest;
          else if (value == "old")
            hit = !v.empty() && !latest.empty() && v < latest;
          else if (value == "prerelease")
            hit = !v.empty() && !latest.empty() && v > latest;
        }
      } else if (method == "exposure" || method == "metric" || method == "semantic_model" ||
                 method == "saved_query" || method == "unit_test") {
        hit = n.resource_type == method && GlobMatch(value, n.name);
      } else {
        diags_.Error(Code::kDbtSelector, {"--select", 0, 0},
                     "'" + method + "' is not a valid method name",
                     "use fqn, tag, path, file, package, config.<key>, resource_type, test_type, "
                     "test_name, source, exposure, metric, group, access, version, state, "
                     "result");
        return out;
      }
      if (hit)
        out.insert(n.unique_id);
    }
    return out;
  }

  // state: and result: compare with the artifacts of --state (dbt's messages when they
  // are missing).
  std::set<std::string> MatchState(const std::string& method, const std::string& value) {
    auto fail = [&](const std::string& message, const std::string& hint) {
      diags_.Error(Code::kDbtSelector, {"--select", 0, 0}, message, hint);
      return std::set<std::string>();
    };
    const char* hint = "pass --state with the target folder of an earlier invocation";
    if (method == "result") {
      if (state_ == nullptr || !state_->has_results())
        return fail("No comparison run_results", hint);
      std::set<std::string> out;
      for (const std::string& id : state_->WithResult(value)) {
        auto it = m_.by_id.find(id);
        if (it != m_.by_id.end() && it->second->resource_type != "group")
          out.insert(id);
      }
      return out;
    }
    if (state_ == nullptr || !state_->has_manifest())
      return fail("Got a state selector method, but no comparison manifest", hint);
    std::optional<std::set<std::string>> out = state_->Select(project_, value);
    if (!out) {
      return fail("Got an invalid selector \"" + value +
                      "\", expected one of \"['new', 'old', 'modified', 'unmodified', "
                      "'modified.body', 'modified.configs', 'modified.persisted_descriptions', "
                      "'modified.relation', 'modified.macros', 'modified.contract']\"",
                  "");
    }
    return *out;
  }

  bool MatchFqn(const Node& n, const std::string& value) {
    if (value == "*")
      return n.resource_type != "source";
    if (n.resource_type == "source")
      return false;  // sources are selected with source:, not by fqn
    const Value* version = n.data.as_dict().FindKey("version");
    bool versioned = n.resource_type == "model" && version && !version->is_none();
    // The node's name alone; a versioned model also answers to name_vN and name.vN.
    if (value.find('.') == std::string::npos) {
      if (GlobMatch(value, n.name))
        return true;
      if (versioned && GlobMatch(value, n.name + "_v" + version->Str()))
        return true;
    }
    if (versioned && value == n.name + ".v" + version->Str())
      return true;
    std::vector<std::string> parts = Split(value, '.');
    if (PrefixMatch(parts, n.fqn))
      return true;
    // The package name may be left out for nodes of the root project.
    if (n.package == project_.root().name && !n.fqn.empty()) {
      std::vector<std::string> rest(n.fqn.begin() + 1, n.fqn.end());
      if (PrefixMatch(parts, rest))
        return true;
    }
    return false;
  }

  static bool PrefixMatch(const std::vector<std::string>& parts,
                          const std::vector<std::string>& fqn) {
    if (parts.size() > fqn.size())
      return false;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (!GlobMatch(parts[i], fqn[i]))
        return false;
    }
    // A full match, or a prefix that names a package/folder (not a partial name).
    return parts.size() == fqn.size() || parts.size() < fqn.size();
  }

  const Project& project_;
  const Manifest& m_;
  const PreviousState* state_;
  Diagnostics& diags_;
};

Sets Selector::Definition(const Value& def, const std::string& indirect) {
  Sets out;
  if (def.is_string())  // one spec: selectors.yml never splits on commas or spaces
    return Expand(Criteria(def.Str()), indirect);
  if (!def.is_dict())
    return out;
  const Dict& d = def.as_dict();
  if (d.size() == 1 && !d.FindKey("union") && !d.FindKey("intersection")) {
    // `method: value` shorthand: the value is literal (no graph operators)
    std::string method = d.entries()[0].first.Str();
    std::string arg;
    if (method.rfind("config.", 0) == 0) {
      arg = method.substr(7);
      method = "config";
    }
    return Expand(Match(method, arg, d.entries()[0].second.Str()), indirect);
  }
  if (const Value* m = d.FindKey("method"); m && m->Str() == "selector") {
    // another selector's definition, as it is (its other keys are ignored, as by dbt)
    std::string name = d.FindKey("value") ? d.FindKey("value")->Str() : "";
    if (const Value* other = SelectorDefinition(project_, name))
      return Definition(*other, indirect);
    diags_.Error(Code::kDbtSelector, {"selectors.yml", 0, 0},
                 "Existing selector definition for " + name + " not found.",
                 "define the selector before the one that uses it");
    return out;
  }
  std::string mode = indirect;
  if (const Value* v = d.FindKey("indirect_selection"))
    mode = v->Str();
  auto combine = [&](const Value& list, bool intersect) {
    Sets acc;
    bool first = true;
    Sets excluded;
    for (const Value& item : list.as_list()) {
      if (item.is_dict() && item.as_dict().FindKey("exclude")) {
        const Value& ex = *item.as_dict().FindKey("exclude");
        Sets e = ex.is_list() ? Definition(Value(Dict{}), mode) : Sets{};
        if (ex.is_list()) {
          for (const Value& x : ex.as_list()) {
            Sets s = Definition(x, mode);
            e.direct.insert(s.direct.begin(), s.direct.end());
            e.indirect.insert(s.indirect.begin(), s.indirect.end());
          }
        }
        excluded.direct.insert(e.direct.begin(), e.direct.end());
        excluded.indirect.insert(e.indirect.begin(), e.indirect.end());
        continue;
      }
      Sets s = Definition(item, mode);
      if (first || !intersect) {
        if (first)
          acc = s;
        else {
          acc.direct.insert(s.direct.begin(), s.direct.end());
          acc.indirect.insert(s.indirect.begin(), s.indirect.end());
        }
        first = false;
        continue;
      }
      std::set<std::string> dd, ii;
      std::set_intersection(acc.direct.begin(), acc.direct.end(), s.direct.begin(), s.direct.end(),
                            std::inserter(dd, dd.begin()));
      std::set_intersection(acc.indirect.begin(), acc.indirect.end(), s.indirect.begin(),
                            s.indirect.end(), std::inserter(ii, ii.begin()));
      acc.direct = dd;
      acc.indirect = ii;
    }
    for (const std::string& x : excluded.direct)
      acc.direct.erase(x);
    for (const std::string& x : excluded.indirect)
      acc.indirect.erase(x);
    return acc;
  };
  if (const Value* u = d.FindKey("union"); u && u->is_list())
    return combine(*u, false);
  if (const Value* i = d.FindKey("intersection"); i && i->is_list())
    return combine(*i, true);
  std::string method = d.FindKey("method") ? d.FindKey("method")->Str() : "fqn";
  std::string value = d.FindKey("value") ? d.FindKey("value")->Str() : "";
  std::string spec;
  auto flag = [&](const char* k) {
    const Value* v = d.FindKey(k);
    return v && v->Truthy();
  };
  auto depth = [&](const char* k) {
    const Value* v = d.FindKey(k);
    return v && !v->is_none() ? v->Str() : std::string();
  };
  if (flag("childrens_parents"))
    spec += "@";
  if (flag("parents") || !depth("parents_depth").empty())
    spec += depth("parents_depth") + "+";
  spec += method + ":" + value;
  if (flag("children") || !depth("children_depth").empty())
    spec += "+" + depth("children_depth");
  out = Expand(Criteria(spec), mode);
  if (const Value* ex = d.FindKey("exclude"); ex && ex->is_list()) {
    for (const Value& x : ex->as_list()) {
      Sets e = Definition(x, mode);
      for (const std::string& id : e.direct)
        out.direct.erase(id);
      for (const std::string& id : e.indirect)
        out.indirect.erase(id);
    }
  }
  return out;
}

}  // namespace

std::set<std::string> SelectNodes(const Project& project, const Selection& selection,
                                  Diagnostics& diagnostics) {
  Selector s(project, selection.state, diagnostics);
  Sets chosen;
  const Value* selector_def = nullptr;
  std::string selector_name = selection.selector;
  if (!selector_name.empty()) {
    selector_def = SelectorDefinition(project, selector_name);
  } else if (const List* entries = SelectorEntries(project); entries && selection.select.empty()) {
    for (const Value& sel : *entries) {  // the last `default: true` one
      const Value* is_default = sel.is_dict() ? sel.as_dict().FindKey("default") : nullptr;
      if (is_default && is_default->Truthy())
        selector_def = sel.as_dict().FindKey("definition");
    }
  }
  if (!selector_name.empty() && selector_def == nullptr) {
    diagnostics.Error(Code::kDbtSelector, {"selectors.yml", 0, 0},
                      "Could not find selector named " + selector_name,
                      "define it in selectors.yml");
    return {};
  }
  if (selector_def != nullptr) {
    chosen = s.Definition(*selector_def, selection.indirect);
  } else if (!selection.select.empty()) {
    chosen = s.Union(selection.select, selection.indirect);
  } else {  // everything: by_id is sorted, so each id goes at the end
    for (const auto& [id, n] : project.manifest.by_id)
      chosen.direct.emplace_hint(chosen.direct.end(), id);
  }
  for (const auto& n : project.manifest.nodes) {
    if (n->resource_type == "group")
      chosen.direct.erase(n->unique_id);
  }
  if (!selection.exclude.empty()) {
    Sets ex = s.Union(selection.exclude, selection.indirect);
    for (const std::string& id : ex.direct)
      chosen.direct.erase(id);
  }
  std::set<std::string> out;
  // Both sorted by id: walked side by side.
  auto it = project.manifest.by_id.begin();
  const auto by_id_end = project.manifest.by_id.end();
  for (const std::string& id : chosen.direct) {
    while (it != by_id_end && it->first < id)
      ++it;
    if (it == by_id_end)
      break;
    if (it->first != id)
      continue;
    const std::string& type = it->second->resource_type;
    // Like dbt ls, analyses are listed only when asked for by --resource-type.
    if (selection.listing && selection.resource_types.empty() && type == "analysis")
      continue;
    if (selection.listing && type == "operation")
      continue;  // dbt ls never lists the on-run hooks
    if (!selection.resource_types.empty() &&
        std::find(selection.resource_types.begin(), selection.resource_types.end(), type) ==
            selection.resource_types.end() &&
        std::find(selection.resource_types.begin(), selection.resource_types.end(), "all") ==
            selection.resource_types.end())
      continue;
    if (std::find(selection.exclude_resource_types.begin(), selection.exclude_resource_types.end(),
                  type) != selection.exclude_resource_types.end())
      continue;
    out.emplace_hint(out.end(), id);  // (in order: chosen.direct is sorted)
  }
  return out;
}

std::vector<std::string> ListOutput(const Project& project, const std::set<std::string>& ids,
                                    const std::string& format,
                                    const std::vector<std::string>& output_keys) {
  std::vector<std::string> lines;
  for (const std::string& id : ids) {
    const Node& n = *project.manifest.by_id.at(id);
    if (format == "name") {
      const Value* version = n.data.as_dict().FindKey("version");
      if (n.resource_type == "source")
        lines.push_back(n.data.as_dict().FindKey("source_name")->Str() + "." + n.name);
      else if (n.resource_type == "model" && version && !version->is_none())
        lines.push_back(n.name + ".v" + version->Str());
      else
        lines.push_back(n.name);
    } else if (format == "path") {
      lines.push_back(n.original_file_path);
    } else if (format == "json") {
      Dict d;
      static const std::vector<std::string> kDefault = {
          "name",      "resource_type", "package_name", "original_file_path",
          "unique_id", "alias",         "source_name",  "config",
          "tags",      "depends_on"};
      // Keys are separated by whitespace (a comma is part of a key, as in dbt).
      std::vector<std::string> given;
      for (const std::string& k : output_keys) {
        std::string cur;
        for (char c : k + " ") {
          if (c == ' ' || c == '\t') {
            if (!cur.empty())
              given.push_back(cur);
            cur.clear();
          } else {
            cur += c;
          }
        }
      }
      if (given.empty()) {
        // dbt's default keys, in the order the node has them.
        for (const auto& [k, v] : n.data.as_dict().entries()) {
          if (std::find(kDefault.begin(), kDefault.end(), k.Str()) != kDefault.end())
            d.Set(k, v);
        }
      }
      for (const std::string& k : given) {
        if (k.find('.') == std::string::npos) {
          // A field of the node: printed even when null; an unknown key is left out.
          if (const Value* v = n.data.as_dict().FindKey(k))
            d.Set(Value(k), *v);
          continue;
        }
        // A dotted key walks into nested dicts; printed only when it holds a value.
        const Value* v = &n.data;
        size_t start = 0;
        while (v != nullptr && start <= k.size()) {
          size_t dot = k.find('.', start);
          std::string part =
              k.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
          v = v->is_dict() ? v->as_dict().FindKey(part) : nullptr;
          if (dot == std::string::npos)
            break;
          start = dot + 1;
        }
        if (v != nullptr && !v->is_none())
          d.Set(Value(k), *v);
      }
      lines.push_back(ToJson(Value(std::move(d))));
    } else {
      std::string fqn;
      for (size_t i = 0; i < n.fqn.size(); ++i)
        fqn += (i ? "." : "") + n.fqn[i];
      if (n.resource_type == "source")
        fqn = "source:" + n.package + "." + n.data.as_dict().FindKey("source_name")->Str() + "." +
              n.name;
      else if (n.resource_type == "exposure" || n.resource_type == "metric" ||
               n.resource_type == "semantic_model" || n.resource_type == "saved_query")
        fqn = n.resource_type + ":" + n.package + "." + n.name;
      else if (n.resource_type == "unit_test") {
        // its versioned_name: a unit test of one version of a model says which
        const Value* version = n.data.as_dict().FindKey("version");
        fqn = "unit_test:" + n.package + "." + n.name +
              (version != nullptr && !version->is_none() ? "_v" + version->Str() : "");
      }
      lines.push_back(fqn);
    }
  }
  return lines;
}

}  // namespace floe::dbt
