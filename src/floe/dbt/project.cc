#include "floe/dbt/project.h"

#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>

#include "floe/base/fs.h"
#include "floe/base/hash.h"
#include "floe/dbt/context.h"

namespace floe::dbt {
namespace fs = std::filesystem;

Value None() {
  return Value::MakeNone();
}

const Value& Get(const Dict& d, std::string_view key) {
  static const Value kNone = Value::MakeNone();
  const Value* v = d.FindKey(key);
  return v ? *v : kNone;
}

Value OrDefault(const Dict& d, std::string_view key, Value fallback) {
  const Value* v = d.FindKey(key);
  return v && !v->is_none() ? *v : fallback;
}

Value FromYaml(const floe::Node& node) {
  switch (node.kind) {
    case floe::Node::Kind::kNull:
      return Value::MakeNone();
    case floe::Node::Kind::kBool:
      return Value(node.text == "true" || node.text == "True" || node.text == "TRUE");
    case floe::Node::Kind::kInt: {
      const std::string& t = node.text;
      int base = 10;
      size_t skip = 0;
      if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'o')) {
        base = t[1] == 'x' ? 16 : 8;
        skip = 2;
      }
      return Value(static_cast<int64_t>(std::strtoll(t.c_str() + skip, nullptr, base)));
    }
    case floe::Node::Kind::kFloat: {
      const std::string& t = node.text;
      if (t == ".inf" || t == ".Inf" || t == "+.inf")
        return Value(HUGE_VAL);
      if (t == "-.inf" || t == "-.Inf")
        return Value(-HUGE_VAL);
      if (t == ".nan" || t == ".NaN")
        return Value(std::nan(""));
      return Value(std::strtod(t.c_str(), nullptr));
    }
    case floe::Node::Kind::kString: {
      // dbt reads YAML with PyYAML (YAML 1.1): plain yes/no/on/off are booleans there.
      if (node.plain) {
        static const std::set<std::string, std::less<>> kTrue = {"yes", "Yes", "YES",
                                                                 "on",  "On",  "ON"};
        static const std::set<std::string, std::less<>> kFalse = {"no",  "No",  "NO",
                                                                  "off", "Off", "OFF"};
        if (kTrue.count(node.text))
          return Value(true);
        if (kFalse.count(node.text))
          return Value(false);
      }
      return Value(node.text);
    }
    case floe::Node::Kind::kList: {
      List items;
      items.reserve(node.items.size());
      for (const floe::Node& i : node.items)
        items.push_back(FromYaml(i));
      return Value(std::move(items));
    }
    case floe::Node::Kind::kMap: {
      Dict d;
      for (const auto& e : node.entries)
        d.Set(Value(e.key), FromYaml(e.value));
      return Value(std::move(d));
    }
  }
  return Value::MakeNone();
}

std::string Target::type() const {
  const Value* v = fields.FindKey("type");
  return v ? v->Str() : "";
}
std::string Target::database() const {
  const Value* v = fields.FindKey("database");
  return v ? v->Str() : "";
}
std::string Target::schema() const {
  const Value* v = fields.FindKey("schema");
  return v ? v->Str() : "";
}

bool Node::is_ephemeral() const {
  return materialized() == "ephemeral";
}

std::string Node::compiled_sql_path() const {
  bool pseudo = (resource_type == "test" && data.as_dict().FindKey("test_metadata")) ||
                resource_type == "operation" ||
                resource_type == "unit_test";  // no file of their own: under the YAML's
  std::string out;
  out.reserve(10 + package.size() + original_file_path.size() + path.size());
  out.append("compiled/").append(package).append("/").append(original_file_path);
  if (pseudo)
    out.append("/").append(path);
  return out;
}

ShortName Node::materialized() const {
  if (config == nullptr)
    return "";
  const Value* v = config->FindKey("materialized");
  return v && v->is_string() ? v->Str() : "";
}

Package* Project::FindPackage(const std::string& name) const {
  for (const auto& p : packages) {
    if (p->name == name)
      return p.get();
  }
  return nullptr;
}

std::string DisplayPath(const Project& project, const Package& package, const std::string& rel) {
  if (package.root)
    return rel;
  std::error_code ec;
  fs::path p = fs::relative(fs::path(package.dir) / rel, project.root().dir, ec);
  return ec ? package.dir + "/" + rel : p.generic_string();
}

namespace {

std::vector<std::string> PathList(const floe::Node& root, std::string_view key,
                                  std::vector<std::string> fallback) {
  const floe::Node* n = root.Find(key);
  if (n == nullptr || !n->is_list())
    return fallback;
  std::vector<std::string> out;
  for (const floe::Node& i : n->items)
    out.push_back(i.text);
  return out;
}

bool LoadPackage(const std::string& dir, bool root, Package& pkg, Diagnostics& diagnostics,
                 const std::string& display) {
  Document doc;
  std::string file = dir + "/dbt_project.yml";
  if (!fs::exists(file)) {
    diagnostics.Error(Code::kDbtProjectNotFound, {display, 0, 0},
                      "No dbt_project.yml found at expected path " + display,
                      "run from the project folder or pass --project-dir");
    return false;
  }
  if (!LoadYamlFile(file, doc, diagnostics))
    return false;
  doc.path = display;
  {
    const char* ws = " \t\n\r\v\f";
    size_t b = doc.text.find_first_not_of(ws);
    size_t e = doc.text.find_last_not_of(ws);
    pkg.project_checksum =
        Sha256Hex(b == std::string::npos ? std::string() : doc.text.substr(b, e - b + 1));
  }
  const floe::Node& r = doc.root;
  if (!r.is_map()) {
    diagnostics.Error(Code::kDbtProjectInvalid, doc.At(r.mark), "dbt_project.yml is not a map");
    return false;
  }
  pkg.dir = dir;
  pkg.root = root;
  pkg.name = r.GetString("name");
  if (pkg.name.empty()) {
    diagnostics.Error(Code::kDbtProjectInvalid, doc.At(r.mark), "dbt_project.yml has no `name`",
                      "add `name: my_project`");
    return false;
  }
  pkg.model_paths = PathList(r, "model-paths", PathList(r, "source-paths", {"models"}));
  pkg.seed_paths = PathList(r, "seed-paths", PathList(r, "data-paths", {"seeds"}));
  pkg.test_paths = PathList(r, "test-paths", {"tests"});
  pkg.analysis_paths = PathList(r, "analysis-paths", {"analyses"});
  pkg.macro_paths = PathList(r, "macro-paths", {"macros"});
  pkg.snapshot_paths = PathList(r, "snapshot-paths", {"snapshots"});
  std::vector<std::string> all = pkg.model_paths;
  for (const auto* v : {&pkg.seed_paths, &pkg.test_paths, &pkg.analysis_paths, &pkg.macro_paths,
                        &pkg.snapshot_paths})
    all.insert(all.end(), v->begin(), v->end());
  pkg.docs_paths = PathList(r, "docs-paths", all);
  pkg.target_path = r.GetString("target-path", "target");
  pkg.clean_targets = PathList(r, "clean-targets", {pkg.target_path});
  const floe::Node* vars = r.Find("vars");
  pkg.vars = vars ? FromYaml(*vars) : Value(Dict());
  if (!pkg.vars.is_dict())
    pkg.vars = Value(Dict());
  for (const char* key :
       {"models", "seeds", "snapshots", "data_tests", "tests", "sources", "unit_tests", "analyses",
        "exposures", "metrics", "semantic-models", "saved-queries"}) {
    if (const floe::Node* n = r.Find(key))
      pkg.configs.Set(Value(std::string(key) == "tests" ? "data_tests" : key), FromYaml(*n));
  }
  auto hooks = [&](const char* key) {
    const floe::Node* n = r.Find(key);
    if (n == nullptr || n->is_null())
      return Value(List{});
    Value v = FromYaml(*n);
    return v.is_list() ? v : Value(List{v});
  };
  pkg.on_run_start = hooks("on-run-start");
  pkg.on_run_end = hooks("on-run-end");
  const floe::Node* dispatch = r.Find("dispatch");
  pkg.dispatch = dispatch ? FromYaml(*dispatch) : Value(List{});
  const floe::Node* flags = r.Find("flags");
  pkg.flags = flags ? FromYaml(*flags) : Value(Dict());
  const floe::Node* quoting = r.Find("quoting");
  pkg.quoting = quoting ? FromYaml(*quoting) : Value(Dict());
  return true;
}

// Folders of installed and local packages (dbt_packages/ and packages.yml `local:`).
std::vector<std::string> PackageDirs(const Package& root, Diagnostics& diagnostics) {
  std::vector<std::string> dirs;
  for (const char* file : {"packages.yml", "dependencies.yml"}) {
    std::string path = root.dir + "/" + file;
    if (!fs::exists(path))
      continue;
    Document doc;
    if (!LoadYamlFile(path, doc, diagnostics))
      continue;
    doc.path = file;
    const floe::Node* list = doc.root.Find("packages");
    if (list == nullptr || !list->is_list())
      continue;
    for (const floe::Node& p : list->items) {
      if (const floe::Node* local = p.Find("local")) {
        dirs.push_back(fs::weakly_canonical(fs::path(root.dir) / local->text).string());
      } else {
        // Hub and git packages must have been vendored into dbt_packages/ (no network here).
        std::string name = p.GetString("package", p.GetString("git"));
        (void)name;
      }
    }
  }
  std::string installed = root.dir + "/dbt_packages";
  if (fs::is_directory(installed)) {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(installed)) {
      if (fs::exists(e.path() / "dbt_project.yml"))
        found.push_back(fs::weakly_canonical(e.path()).string());
    }
    std::sort(found.begin(), found.end());
    dirs.insert(dirs.end(), found.begin(), found.end());
  }
  return dirs;
}

std::string NewUuid() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t a = gen();
  uint64_t b = gen();
  char buf[40];
  snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
           static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
           static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
           static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

bool LoadProfile(Project& project, Diagnostics& diagnostics, const std::string& profile_name) {
  const Invocation& inv = project.invocation;
  std::vector<std::string> candidates;
  if (!inv.profiles_dir.empty()) {
    candidates.push_back(inv.profiles_dir);
  } else {
    if (const char* env = std::getenv("DBT_PROFILES_DIR"))
      candidates.emplace_back(env);
    candidates.push_back(fs::current_path().string());
    candidates.push_back(project.root().dir);
    if (const char* home = std::getenv("HOME"))
      candidates.push_back(std::string(home) + "/.dbt");
  }
  std::string file;
  for (const std::string& dir : candidates) {
    if (fs::exists(fs::path(dir) / "profiles.yml")) {
      file = (fs::path(dir) / "profiles.yml").string();
      break;
    }
  }
  project.target.profiles_file = fs::absolute(file).lexically_normal().string();
  if (file.empty()) {
    diagnostics.Error(Code::kDbtProfile, {"profiles.yml", 0, 0},
                      "Could not find profile named '" + profile_name + "'",
                      "no profiles.yml in " + candidates.front() +
                          "; pass --profiles-dir or set DBT_PROFILES_DIR");
    return false;
  }
  Document doc;
  if (!LoadYamlFile(file, doc, diagnostics))
    return false;
  const floe::Node* profile = doc.root.Find(profile_name);
  if (profile == nullptr || !profile->is_map()) {
    diagnostics.Error(Code::kDbtProfile, {file, 0, 0},
                      "Could not find profile named '" + profile_name + "'",
                      "profiles.yml must have a top-level key `" + profile_name + "`");
    return false;
  }
  Dict base = BaseContext(project, nullptr);
  std::string target_name = inv.target;
  if (target_name.empty()) {
    Value t =
        RenderYamlValue(FromYaml(profile->Find("target") ? *profile->Find("target") : floe::Node{}),
                        base, file, diagnostics);
    target_name = t.is_none() ? "default" : t.Str();
  }
  const floe::Node* outputs = profile->Find("outputs");
  const floe::Node* output = outputs ? outputs->Find(target_name) : nullptr;
  if (output == nullptr || !output->is_map()) {
    diagnostics.Error(
        Code::kDbtProfile, doc.At(outputs ? outputs->mark : profile->mark),
        "The profile '" + profile_name + "' does not have a target named '" + target_name + "'",
        "add it under `outputs:` or pass an existing one with --target");
    return false;
  }
  project.target.profile_name = profile_name;
  project.target.name = target_name;
  Value fields = RenderYamlValue(FromYaml(*output), base, file, diagnostics);
  Dict& f = project.target.fields;
  for (const auto& [k, v] : fields.as_dict().entries())
    f.Set(k, v);
  std::string type = project.target.type();
  if (type == "duckdb") {
    std::string path = f.FindKey("path") ? f.FindKey("path")->Str() : ":memory:";
    if (!f.FindKey("path"))
      f.Set(Value("path"), Value(path));
    if (!f.FindKey("database")) {
      std::string db =
          path == ":memory:" || path.empty() ? "memory" : fs::path(path).stem().string();
      f.Set(Value("database"), Value(db));
    }
    if (!f.FindKey("schema"))
      f.Set(Value("schema"), Value("main"));
  } else if (type == "postgres") {
    if (const Value* dbname = f.FindKey("dbname"); dbname && !f.FindKey("database"))
      f.Set(Value("database"), *dbname);
  }
  if (!f.FindKey("threads"))
    f.Set(Value("threads"), Value(1));
  if (inv.threads > 0)
    f.Set(Value("threads"), Value(inv.threads));
  return !diagnostics.has_errors();
}

}  // namespace

std::unique_ptr<Project> LoadProject(const Invocation& invocation, Diagnostics& diagnostics) {
  auto project = std::make_unique<Project>();
  project->invocation = invocation;
  project->invocation_id = NewUuid();
  std::string dir = fs::weakly_canonical(fs::absolute(invocation.project_dir)).string();
  auto root = std::make_unique<Package>();
  std::string root_display = invocation.project_dir == "." || invocation.project_dir.empty()
                                 ? "dbt_project.yml"
                                 : invocation.project_dir + "/dbt_project.yml";
  if (!LoadPackage(dir, true, *root, diagnostics, root_display))
    return nullptr;
  project->packages.push_back(std::move(root));

  project->cli_vars = Value(Dict());
  if (!invocation.vars_yaml.empty()) {
    Document doc;
    Diagnostics vars_diags;
    if (!ParseYaml(invocation.vars_yaml, doc, vars_diags) || !doc.root.is_map()) {
      diagnostics.Error(Code::kDbtVars, {"--vars", 0, 0},
                        "--vars must be a YAML or JSON dictionary: " + invocation.vars_yaml,
                        "for example --vars '{\"key\": \"value\"}'");
      return nullptr;
    }
    project->cli_vars = FromYaml(doc.root);
  }

  // Packages: each once, by name.
  for (const std::string& pdir : PackageDirs(*project->packages[0], diagnostics)) {
    auto pkg = std::make_unique<Package>();
    std::error_code ec;
    std::string display = fs::relative(pdir, dir, ec).generic_string() + "/dbt_project.yml";
    if (!LoadPackage(pdir, false, *pkg, diagnostics, display))
      continue;
    if (project->FindPackage(pkg->name) != nullptr)
      continue;
    project->packages.push_back(std::move(pkg));
  }

  Document project_doc;
  LoadYamlFile(dir + "/dbt_project.yml", project_doc, diagnostics);
  std::string profile = project_doc.root.GetString("profile", project->root().name);
  if (invocation.needs_profile && !LoadProfile(*project, diagnostics, profile))
    return nullptr;

  std::string selectors = dir + "/selectors.yml";
  project->selectors_yml = Value::MakeNone();
  if (fs::exists(selectors)) {
    Document doc;
    if (LoadYamlFile(selectors, doc, diagnostics))
      project->selectors_yml = FromYaml(doc.root);
  }
  if (diagnostics.has_errors())
    return nullptr;
  return project;
}

}  // namespace floe::dbt
