#include "floe/compile/compiler.h"

#include <ctime>
#include <filesystem>
#include <future>

#include "floe/base/fs.h"
#include "floe/base/hash.h"
#include "floe/config/checks.h"
#include "floe/config/documents.h"
#include "floe/config/inheritance.h"
#include "floe/plugins/compute.h"

namespace floe::compile {
namespace {

using config::Materialize;

std::string Iso8601(int64_t seconds) {
  auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

const config::Schema& FieldSchema(const config::Schema& object, std::string_view name) {
  return *object.FindField(name)->schema;
}

Node EmptyMap() {
  Node n;
  n.kind = Node::Kind::kMap;
  return n;
}

Json MaterializeOrDefaults(const Node* node, const config::Schema& schema) {
  return node != nullptr ? Materialize(*node, schema) : Materialize(EmptyMap(), schema);
}

class ArtifactBuilder {
 public:
  ArtifactBuilder(const plugins::PluginRegistry& registry, const config::Schema& manifest_schema,
                  const config::Schema& spec_schema, const Document& spec,
                  const config::Platform& platform)
      : registry_(registry),
        manifest_schema_(manifest_schema),
        spec_schema_(spec_schema),
        spec_(spec),
        platform_(platform) {}

  Json Build(const CompileOptions& options) {
    const Node& spec = spec_.root;
    product_.name = spec.Find("metadata")->GetString("name");
    product_.slug = Slug(product_.name);
    product_.version = spec.Find("metadata")->GetString("version");
    std::string dir = std::filesystem::path(spec_.path).parent_path().string();
    product_.directory = dir.empty() ? "." : dir;

    std::future<std::string> source_hash =
        std::async(std::launch::async, [this] { return SourceHash(); });
    Json out = Json::object();
    out["version"] = kArtifactsVersion;
    out["metadata"] = Json::object();  // filled last, when the hash is ready
    out["identity"] = Identity();
    out["mode"] = platform_.mode();
    out["inheritance_chain"] = Chain();
    out["plugins"] = Plugins();
    out["transforms"] = Transforms(*spec.Find("transforms"));
    out["dbt_profiles"] = Profiles(out["plugins"]);
    out["governance"] = MaterializeOrDefaults(platform_.merged.Find("governance"),
                                              FieldSchema(manifest_schema_, "governance"));
    out["observability"] = Observability();
    for (const char* key : {"schedule", "outputPorts", "destinations"}) {
      if (const Node* section = spec.Find(key)) {
        out[key == std::string("outputPorts") ? "output_ports" : key] =
            Materialize(*section, FieldSchema(spec_schema_, key));
      }
    }
    out["metadata"] = Metadata(options, source_hash.get());
    return out;
  }

 private:
  // The hash covers the canonical content of every input (parsed values, keys sorted), so
  // layout, quoting, key order and comments do not change it, and any change of content does.
  // Defaults are not filled in: in a chain, an absent key (inherit) and an explicit default
  // (override) mean different things. Reads only the immutable parsed documents, so Build runs
  // it on a second thread while it assembles the rest.
  std::string SourceHash() const {
    std::string canonical = "{\"floe.yaml\":";
    canonical.reserve(spec_.text.size() + 4096);
    config::AppendCanonicalJson(spec_.root, canonical);
    canonical += ",\"manifests\":[";
    for (size_t i = 0; i < platform_.chain.size(); ++i) {
      if (i > 0)
        canonical += ',';
      config::AppendCanonicalJson(platform_.chain[i].document.root, canonical);
    }
    canonical += "]}";
    return "sha256:" + Sha256Hex(canonical);
  }

  Json Metadata(const CompileOptions& options, std::string source_hash) {
    int64_t when = options.source_date_epoch ? *options.source_date_epoch
                                             : static_cast<int64_t>(std::time(nullptr));
    Json m = Json::object();
    m["compiled_at"] = Iso8601(when);
    m["floe_version"] = FLOE_VERSION;
    m["source_hash"] = std::move(source_hash);
    m["product_name"] = product_.name;
    m["product_version"] = product_.version;
    m["platform_name"] = platform_.effective["metadata"]["name"];
    m["platform_version"] = platform_.effective["metadata"]["version"];
    return m;
  }

  Json Identity() {
    std::string domain = "default";
    for (const config::ManifestLayer& layer : platform_.chain) {
      if (layer.scope == "domain")
        domain = layer.document.root.Find("metadata")->GetString("name", domain);
    }
    return {{"product_id", domain + "." + product_.slug}, {"domain", domain}};
  }

  Json Chain() {
    Json chain = Json::array();
    for (const config::ManifestLayer& layer : platform_.chain) {
      const Node* metadata = layer.document.root.Find("metadata");
      chain.push_back({{"name", metadata->GetString("name")},
                       {"version", metadata->GetString("version")},
                       {"scope", layer.scope},
                       {"ref", layer.ref}});
    }
    return chain;
  }

  Json Plugins() {
    Json out = Json::object();
    const Node* selections = platform_.merged.Find("plugins");
    if (selections == nullptr)
      return out;
    for (const std::string& category : config::PluginCategories()) {
      const Node* selection = selections->Find(category);
      if (selection == nullptr)
        continue;
      std::string type = selection->GetString("type");
      const plugins::Plugin* plugin = registry_.Find(category, type);
      Json config = MaterializeOrDefaults(selection->Find("config"), *plugin->info().config_schema);
      Json resolved = Json::object();
      resolved["type"] = type;
      resolved["version"] = selection->GetString("version", plugin->info().version);
      resolved["config"] = plugin->ResolveConfig(config, product_);
      if (const Node* secret = selection->Find("connection_secret_ref")) {
        resolved["connection_secret_ref"] = secret->text;
      }
      out[category] = resolved;
    }
    return out;
  }

  // Built from the parsed nodes, moving every piece: a product may have thousands of models.
  Json Transforms(const Node& transforms) {
    std::string default_compute = platform_.effective["plugins"]["compute"]["type"];
    Json out = Json::object();
    out["default_compute"] = default_compute;
    if (transforms.is_map()) {
      Json project = Materialize(transforms, *FieldSchema(spec_schema_, "transforms").when_map);
      if (!project.contains("overrides"))
        project["overrides"] = Json::array();
      out["dbt_project"] = std::move(project);
      return out;
    }
    const config::Schema& model_schema = *FieldSchema(spec_schema_, "transforms").when_list->items;
    const config::Schema& checks_schema = FieldSchema(model_schema, "qualityChecks");
    Json models = Json::array();
    models.get_ref<Json::array_t&>().reserve(transforms.items.size());
    for (const Node& t : transforms.items) {
      Json m = Json::object();
      m.get_ref<Json::object_t&>().reserve(7);
      m["name"] = t.GetString("name");
      const Node* compute = t.Find("compute");
      m["compute"] = compute != nullptr ? compute->text : default_compute;
      const Node* tags = t.Find("tags");
      m["tags"] = tags != nullptr ? config::ToJson(*tags) : Json::array();
      const Node* deps = t.Find("dependsOn");
      if (deps == nullptr)
        deps = t.Find("depends_on");
      m["depends_on"] = deps != nullptr ? config::ToJson(*deps) : Json::array();
      if (const Node* tier = t.Find("tier"))
        m["quality_tier"] = tier->text;
      if (const Node* checks = t.Find("qualityChecks")) {
        m["quality_checks"] = Materialize(*checks, checks_schema);
      }
      models.push_back(std::move(m));
    }
    out["models"] = std::move(models);
    return out;
  }

  Json Profiles(const Json& resolved_plugins) {
    const Json& compute = resolved_plugins["compute"];
    const auto* plugin =
        registry_.FindAs<plugins::ComputePlugin>("compute", compute["type"].get<std::string>());
    Json outputs = Json::object();
    outputs["dev"] = plugin->DbtProfileOutput(compute["config"], product_);
    Json profile = Json::object();
    profile["target"] = "dev";
    profile["outputs"] = outputs;
    return {{product_.slug, profile}};
  }

  Json Observability() {
    Json out = MaterializeOrDefaults(platform_.merged.Find("observability"),
                                     FieldSchema(manifest_schema_, "observability"));
    for (const char* section : {"tracing", "lineage", "logging"}) {
      if (!out.contains(section)) {
        const config::Schema& group = FieldSchema(manifest_schema_, "observability");
        out[section] = Materialize(EmptyMap(), FieldSchema(group, section));
      }
    }
    if (!out["lineage"].contains("namespace"))
      out["lineage"]["namespace"] = product_.name;
    out["resource_attributes"] = {
        {"service.name", product_.name},
        {"service.version", product_.version},
        {"floe.product.name", product_.name},
        {"floe.platform.name", platform_.effective["metadata"]["name"]},
        {"floe.platform.version", platform_.effective["metadata"]["version"]},
        {"floe.mode", platform_.mode()}};
    return out;
  }

  const plugins::PluginRegistry& registry_;
  const config::Schema& manifest_schema_;
  const config::Schema& spec_schema_;
  const Document& spec_;
  const config::Platform& platform_;
  plugins::ProductContext product_;
};

void CheckPlatformPlugins(const config::Platform& platform, Diagnostics& diagnostics) {
  const Node* compute = platform.merged.Find("plugins");
  compute = compute != nullptr ? compute->Find("compute") : nullptr;
  const Document& leaf = platform.leaf().document;
  if (compute == nullptr) {
    const Node::Entry* plugins = leaf.root.FindEntry("plugins");
    diagnostics.Error(
        Code::kMissingPlugin, leaf.At(plugins != nullptr ? plugins->key_mark : Mark{1, 1}),
        "the platform selects no compute plugin, and a product needs one to run its models",
        "add `plugins: {compute: {type: duckdb}}` (or another compute from `floe plugins list`)");
    return;
  }
  const Node* defaults = platform.merged.Find("defaults");
  const Node* default_compute = defaults != nullptr ? defaults->Find("compute") : nullptr;
  if (default_compute != nullptr && default_compute->text != compute->GetString("type")) {
    diagnostics.Error(Code::kUnknownCompute, leaf.At(default_compute->mark),
                      "`defaults.compute: " + default_compute->text +
                          "` names a compute the platform does not configure (it selects `" +
                          compute->GetString("type") + "`)",
                      "make `defaults.compute` match `plugins.compute.type`, or remove it");
  }
}

}  // namespace

std::string Slug(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)))
      c = '_';
  }
  return out;
}

CheckedProductPtr Check(const plugins::PluginRegistry& registry, const CompileOptions& options,
                        Diagnostics& diagnostics) {
  auto product = std::make_unique<CheckedProduct>();
  product->spec_schema = config::FloeSpecSchema();
  product->manifest_schema = config::ManifestSchema(registry.Choices());
  Document& spec = product->spec;
  size_t errors_before = diagnostics.error_count();
  bool spec_ok = config::LoadDocument(options.spec_path, config::DocumentKind::kFloeSpec,
                                      *product->spec_schema, spec, diagnostics);
  if (spec.root.is_null())
    return nullptr;  // unreadable or unparsable

  std::string manifest_path = options.manifest_path;
  std::optional<Location> named_at;
  if (manifest_path.empty()) {
    const Node* platform = spec.root.is_map() ? spec.root.Find("platform") : nullptr;
    const Node* ref =
        platform != nullptr && platform->is_map() ? platform->Find("manifest") : nullptr;
    if (ref == nullptr || ref->kind != Node::Kind::kString) {
      if (spec_ok) {
        diagnostics.Error(Code::kNoPlatform, spec.At(Mark{1, 1}),
                          "the product names no platform manifest",
                          "add `platform: {manifest: path/to/manifest.yaml}` or pass --manifest");
      }
      return nullptr;
    }
    if (config::IsOciRef(ref->text)) {
      diagnostics.Error(
          Code::kRemoteParent, spec.At(ref->mark),
          "`" + ref->text + "`: this floe reads platform manifests from local files only",
          "pass a local copy with --manifest");
      return nullptr;
    }
    manifest_path = ResolveBeside(options.spec_path, ref->text);
    named_at = spec.At(ref->mark);
  }

  config::Platform& platform = product->platform;
  bool platform_ok = config::LoadPlatform(manifest_path, *product->manifest_schema, platform,
                                          diagnostics, named_at ? &*named_at : nullptr);
  if (platform.chain.empty())
    return nullptr;
  if (platform_ok)
    CheckPlatformPlugins(platform, diagnostics);
  if (spec_ok && platform_ok)
    config::CheckProductAgainstPlatform(spec, platform, diagnostics);
  if (diagnostics.error_count() != errors_before)
    return nullptr;
  return product;
}

std::string Describe(const CheckedProduct& product) {
  const Node* metadata = product.spec.root.Find("metadata");
  const Json& platform = product.platform.effective["metadata"];
  return "product " + metadata->GetString("name") + " " + metadata->GetString("version") +
         " on platform " + platform["name"].get<std::string>() + " " +
         platform["version"].get<std::string>();
}

Json Build(const plugins::PluginRegistry& registry, const CheckedProduct& product,
           const CompileOptions& options) {
  ArtifactBuilder builder(registry, *product.manifest_schema, *product.spec_schema, product.spec,
                          product.platform);
  return builder.Build(options);
}

std::optional<Json> Compile(const plugins::PluginRegistry& registry, const CompileOptions& options,
                            Diagnostics& diagnostics) {
  CheckedProductPtr product = Check(registry, options, diagnostics);
  if (!product)
    return std::nullopt;
  return Build(registry, *product, options);
}

}  // namespace floe::compile
