#include "floe/config/documents.h"

#include "floe/config/checks.h"

namespace floe::config {
namespace {

using S = std::shared_ptr<Schema>;

S Semver() {
  return Pattern(R"(^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$)", IsSemver)
      ->Describe("a semantic version such as 1.2.0");
}
S K8sName() {
  return Pattern(R"(^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)", IsK8sName)
      ->MaxLength(253)
      ->Describe("the name of a Kubernetes secret: lowercase letters, digits, '-' and '.'");
}
S HttpUrl() {
  return Pattern(R"(^https?://\S+$)", IsHttpUrl)->Describe("an http:// or https:// URL");
}
S NonEmpty() {
  return Pattern(R"(\S)", IsNonEmpty)->Describe("a non-empty text");
}
S DataKeys(S map) {
  map->data_keys = true;
  return map;
}
S Level() {
  return Enum({"off", "warn", "strict"});
}
S Percent() {
  return Number(0, 100);
}
S Strings() {
  return ListOf(String());
}
S Regex() {
  return String()->Checked(RegexCheck())->Describe("a regular expression (ECMAScript)");
}
S Date() {
  return Pattern(R"(^\d{4}-\d{2}-\d{2}$)", IsDateString)
      ->Checked(DateCheck())
      ->Describe("a date, YYYY-MM-DD");
}
S Classification() {
  return Enum({"public", "internal", "confidential", "restricted", "pii"});
}
S Tier() {
  return Enum({"bronze", "silver", "gold"});
}

KeyRule Rule(KeyRule::Kind kind, std::string when_key, std::vector<std::string> values,
             std::string target, Code code, std::string message, std::string hint) {
  return {kind, std::move(when_key), std::move(values), std::move(target),
          code, std::move(message),  std::move(hint)};
}

S Naming() {
  return Object({
                    Optional("enforcement", Level()->Default("warn")->Describe(
                                                "how naming violations are reported")),
                    Optional("pattern",
                             Enum({"medallion", "kimball", "custom"})->Default("medallion")),
                    Optional("custom_patterns", ListOf(Regex())->MinItems(1)),
                })
      ->Rule(Rule(KeyRule::Kind::kRequireWhen, "pattern", {"custom"}, "custom_patterns",
                  Code::kMissingKey, "`pattern: custom` needs `custom_patterns`",
                  "list the regular expressions model names must match, e.g. `custom_patterns: "
                  "['^fct_']`"));
}

S QualityGates() {
  return Object({
      Optional("minimum_test_coverage",
               Percent()->Default(80)->Describe("percent of columns with a test")),
      Optional("require_descriptions", Boolean()->Default(false)),
      Optional("require_column_descriptions", Boolean()->Default(false)),
      Optional("block_on_failure", Boolean()->Default(true)),
      Optional("layer_thresholds",
               Object({Optional("bronze", Percent()), Optional("silver", Percent()),
                       Optional("gold", Percent())})),
      Optional("zero_column_coverage_behavior",
               Enum({"report_na", "report_100_percent"})->Default("report_na")),
  });
}

S CustomRules() {
  auto applies = [] {
    return String()->Default("*")->Describe("glob of model names the rule applies to");
  };
  return ListOf(OneOfByKey(
      "type",
      {
          {"require_tags_for_prefix", Object({Required("type", Enum({"require_tags_for_prefix"})),
                                              Required("prefix", NonEmpty()),
                                              Required("required_tags", Strings()->MinItems(1)),
                                              Optional("applies_to", applies())})},
          {"require_meta_field",
           Object({Required("type", Enum({"require_meta_field"})), Required("field", NonEmpty()),
                   Optional("required", Boolean()->Default(true)),
                   Optional("applies_to", applies())})},
          {"require_tests_of_type", Object({Required("type", Enum({"require_tests_of_type"})),
                                            Required("test_types", Strings()->MinItems(1)),
                                            Optional("min_columns", Integer(1)->Default(1)),
                                            Optional("applies_to", applies())})},
      }));
}

S PolicyOverrides() {
  return ListOf(Object({
      Required("pattern", NonEmpty()->Describe("glob of model names, e.g. `legacy_*`")),
      Required("action", Enum({"downgrade", "exclude"})),
      Required("reason", NonEmpty()->Describe("why the exception exists")),
      Optional("expires", Date()),
      Optional("policy_types", ListOf(Enum({"naming", "coverage", "documentation", "semantic",
                                            "custom", "data_contract", "classification",
                                            "secret_scanning", "policy", "architecture"}))),
  }));
}

S DataContracts() {
  return Object({
      Optional("enforcement", Level()->Default("warn")),
      Optional("auto_generation",
               Object({Optional("enabled", Boolean()->Default(true)),
                       Optional("include_descriptions", Boolean()->Default(true)),
                       Optional("default_classification", Classification()->Default("internal"))})),
      Optional("drift_detection",
               Object({Optional("enabled", Boolean()->Default(true)),
                       Optional("fail_on_type_mismatch", Boolean()->Default(true)),
                       Optional("fail_on_missing_column", Boolean()->Default(true)),
                       Optional("warn_on_extra_column", Boolean()->Default(true))})),
      Optional("inheritance_mode", Enum({"merge", "override", "strict"})->Default("merge")),
  });
}

S Policies() {
  return ListOf(Object({
                    Required("name", NonEmpty()),
                    Required("type", Enum({"required_tags", "naming_convention", "max_transforms",
                                           "custom"})),
                    Optional("action", Enum({"warn", "error", "block"})->Default("warn")),
                    Optional("message", String()),
                    Optional("config", Any()),
                }))
      ->UniqueBy("name");
}

S SecretScanning() {
  return Object({
      Optional("enabled", Boolean()->Default(false)),
      Optional("exclude_patterns", Strings()),
      Optional("custom_patterns",
               ListOf(Object({Required("name", NonEmpty()), Required("pattern", Regex()),
                              Optional("severity", Enum({"error", "warning"}))}))
                   ->UniqueBy("name")),
      Optional("severity", Enum({"error", "warning"})->Default("error")),
  });
}

S NetworkPolicies() {
  auto port = Object({Required("port", Integer(1, 65535)),
                      Optional("protocol", Enum({"TCP", "UDP", "SCTP"})->Default("TCP"))});
  auto rule =
      Object({Optional("to_namespace", K8sName()), Optional("to_cidr", String()),
              Optional("ports", ListOf(port))})
          ->Rule(Rule(KeyRule::Kind::kOneOf, "to_namespace", {}, "to_cidr", Code::kConflictingKeys,
                      "an egress rule names exactly one of `to_namespace` and `to_cidr`",
                      "split it into two rules if it needs both"));
  return Object({Optional("enabled", Boolean()->Default(false)),
                 Optional("default_deny", Boolean()->Default(true)),
                 Optional("custom_egress_rules", ListOf(rule))});
}

S Governance() {
  return Object({
      Optional("pii_encryption", Enum({"required", "optional"})),
      Optional("audit_logging", Enum({"enabled", "disabled"})),
      Optional("policy_enforcement_level", Level()->Default("warn")),
      Optional("data_retention_days", Integer(1)->Describe("days data is kept")),
      Optional("default_ttl_hours", Integer(1, 8760)),
      Optional("snapshot_keep_last", Integer(1, 100)->Describe("Iceberg snapshots kept per table")),
      Optional("stale_table_recovery_mode", Enum({"strict", "repair"})),
      Optional("naming", Naming()),
      Optional("quality_gates", QualityGates()),
      Optional("custom_rules", CustomRules()),
      Optional("policy_overrides", PolicyOverrides()),
      Optional("data_contracts", DataContracts()),
      Optional("policies", Policies()),
      Optional("secret_scanning", SecretScanning()),
      Optional("rbac", Object({Optional("enabled", Boolean()->Default(false)),
                               Optional("required_role", NonEmpty()),
                               Optional("allow_principal_fallback", Boolean()->Default(true))})),
      Optional("network_policies", NetworkPolicies()),
  });
}

S PluginSelection(SchemaRef type, SchemaRef config) {
  return Object({
      Required("type", std::move(type)),
      Optional("version", Semver()),
      Optional("config", std::move(config)),
      Optional("connection_secret_ref", K8sName()),
  });
}

S Plugins(const std::vector<PluginChoice>& available) {
  std::vector<Field> fields;
  for (const std::string& category : PluginCategories()) {
    std::vector<std::string> names;
    std::vector<std::pair<std::string, SchemaRef>> variants;
    for (const PluginChoice& choice : available) {
      if (choice.category != category)
        continue;
      names.push_back(choice.name);
      variants.emplace_back(choice.name,
                            PluginSelection(Enum({choice.name}), choice.config_schema));
    }
    auto type =
        Enum(names)->EnumWording(Code::kUnknownPlugin, "an available " + category + " plugin");
    SchemaRef selection;
    if (variants.empty()) {
      // No plugin of this category in this build: any selection is refused by name.
      selection = PluginSelection(type, Any())
                      ->Describe("no " + category + " plugin is available in this floe");
    } else {
      auto chosen = OneOfByKey("type", variants);
      chosen->discriminator_schema = type;
      selection = chosen;
    }
    fields.push_back(Optional(category, selection));
  }
  return Object(std::move(fields));
}

S ApprovedPlugins() {
  std::vector<Field> fields;
  for (const std::string& category : PluginCategories())
    fields.push_back(Optional(category, Strings()));
  return Object(std::move(fields));
}

S ResourcePreset() {
  auto cpu = Pattern(R"(^\d+(\.\d+)?m?$)", IsCpuQuantity)->Describe("CPU, e.g. 500m or 2");
  auto memory = Pattern(R"(^\d+(\.\d+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$)", IsMemoryQuantity)
                    ->Describe("memory, e.g. 512Mi");
  auto pair = [&] { return Object({Optional("cpu", cpu), Optional("memory", memory)}); };
  auto preset = Object({Optional("requests", pair()), Optional("limits", pair()),
                        Optional("cpu_request", cpu), Optional("cpu_limit", cpu),
                        Optional("memory_request", memory), Optional("memory_limit", memory)});
  for (auto [nested, flat] :
       {std::pair{"requests", "cpu_request"}, std::pair{"requests", "memory_request"},
        std::pair{"limits", "cpu_limit"}, std::pair{"limits", "memory_limit"}}) {
    preset->Rule(Rule(KeyRule::Kind::kExclusive, nested, {}, flat, Code::kConflictingKeys,
                      std::string("`") + flat + "` repeats what `" + nested + "` says",
                      "use either the nested form (requests/limits) or the flat form, not both"));
  }
  return preset;
}

S Observability() {
  return Object({
      Optional(
          "tracing",
          Object(
              {Optional("enabled", Boolean()->Default(true)),
               Optional("exporter", Enum({"otlp", "console", "file", "none"})->Default("console")),
               Optional("endpoint", HttpUrl()),
               Optional("protocol", Enum({"http/protobuf", "http/json"})->Default("http/protobuf")),
               Optional("sampling", Number(0, 1)->Default(1.0))})),
      Optional(
          "lineage",
          Object({Optional("enabled", Boolean()->Default(true)),
                  Optional("transport", Enum({"http", "console", "file", "noop"})->Default("file")),
                  Optional("endpoint", HttpUrl()), Optional("namespace", NonEmpty())})),
      Optional(
          "logging",
          Object({Optional("level", Enum({"DEBUG", "INFO", "WARNING", "ERROR"})->Default("INFO")),
                  Optional("format", Enum({"json", "text"})->Default("json"))})),
  });
}

S Artifacts() {
  auto verification = Object({
      Optional("enabled", Boolean()->Default(true)),
      Optional("enforcement", Enum({"enforce", "warn", "off"})->Default("enforce")),
      Optional("public_keys",
               Strings()->Describe("paths or secret references of trusted public keys")),
      Optional("environments",
               MapOf(Object({Required("enforcement", Enum({"enforce", "warn", "off"}))}))),
  });
  auto registry = Object({
      Required("uri", Pattern(R"(^oci://\S+$)", IsOciRef)->Describe("oci://host/namespace")),
      Optional("auth",
               Object({Optional("type", Enum({"anonymous", "basic", "token", "docker-config"})
                                            ->Default("anonymous")),
                       Optional("secret_ref", K8sName())})),
      Optional("verification", verification),
  });
  auto promotion = Object({Optional(
      "environments",
      ListOf(
          Object(
              {Required("name", Pattern(R"(^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$)", IsDnsLabel)),
               Optional("gates", ListOf(Enum({"policy_compliance", "tests", "security_scan"})))}))
          ->UniqueBy("name"))});
  return Object({Required("registry", registry), Optional("promotion", promotion)});
}

}  // namespace

const std::vector<std::string>& PluginCategories() {
  static const std::vector<std::string> kCategories = {
      "compute",         "orchestrator", "catalog", "storage",  "semantic_layer",
      "ingestion",       "quality",      "secrets", "identity", "telemetry_backend",
      "lineage_backend", "dbt",          "rbac",    "network"};
  return kCategories;
}

const std::vector<std::string>& ManifestEnvironmentKeys() {
  static const std::vector<std::string> kKeys = {
      "env_overrides", "environments", "environment", "env",        "dev",
      "staging",       "prod",         "production",  "target_env", "floe_env"};
  return kKeys;
}

const std::vector<std::string>& FloeSpecForbiddenKeys() {
  static const std::vector<std::string> kKeys = {
      "database", "schema",     "host",        "port",
      "username", "password",   "credentials", "connection_string",
      "endpoint", "access_key", "secret_key",  "token",
      "api_key"};
  return kKeys;
}

SchemaRef ManifestSchema(const std::vector<PluginChoice>& available) {
  auto scope_rule = [](KeyRule::Kind kind, std::vector<std::string> values, std::string target,
                       Code code, std::string message, std::string hint) {
    return Rule(kind, "scope", std::move(values), std::move(target), code, std::move(message),
                std::move(hint));
  };
  auto root = Object({
      Required("apiVersion", Enum({std::string(kApiVersion)})),
      Required("kind", Enum({std::string(kManifestKind)})),
      Required(
          "metadata",
          Object({Required("name", Pattern(R"(^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$)", IsDnsLabel)
                                       ->Describe("lowercase letters, digits and '-', at most 63")
                                       ->Reserved({"default", "system", "floe", "admin", "root"})),
                  Required("version", Semver()),
                  Required("owner", NonEmpty()->Describe(
                                        "who answers for this platform, e.g. a team email")),
                  Optional("description", String()->MaxLength(500))})),
      Optional("scope",
               Enum({"enterprise", "domain", "none"})->Describe("place in the inheritance chain")),
      Optional("parent_manifest",
               NonEmpty()->Describe("path or oci:// reference of the parent manifest")),
      Optional("plugins", Plugins(available)),
      Optional("governance", Governance()),
      Optional("approved_plugins", ApprovedPlugins()),
      Optional("approved_sinks", Strings()),
      Optional("approved_products", Strings()),
      Optional("defaults",
               Object({Optional("compute", NonEmpty()->Describe("compute plugin used by default")),
                       Optional("timezone", String()->Checked(TimezoneCheck()))})),
      Optional("artifacts", Artifacts()),
      Optional("observability", Observability()),
      Optional("resource_presets", MapOf(ResourcePreset())),
  });
  root->Rule(scope_rule(
      KeyRule::Kind::kForbidWhen, {"enterprise"}, "parent_manifest",
      Code::kScopeEnterpriseHasParent,
      "an enterprise manifest is the root of the chain and cannot have `parent_manifest`",
      "remove `parent_manifest`, or set `scope: domain`"));
  root->Rule(
      scope_rule(KeyRule::Kind::kRequireWhen, {"domain"}, "parent_manifest",
                 Code::kScopeDomainNeedsParent, "a domain manifest needs `parent_manifest`",
                 "point `parent_manifest` at the enterprise manifest this domain inherits from"));
  root->Rule(
      scope_rule(KeyRule::Kind::kForbidUnless, {"domain", "enterprise"}, "parent_manifest",
                 Code::kScopeNoneHasParent, "`parent_manifest` needs `scope: domain`",
                 "set `scope: domain` to inherit from the parent, or remove `parent_manifest`"));
  root->Rule(scope_rule(
      KeyRule::Kind::kForbidUnless, {"enterprise"}, "approved_plugins", Code::kApprovedPluginsScope,
      "`approved_plugins` is set by the enterprise manifest only",
      "move the whitelist to the enterprise manifest, or set `scope: enterprise`"));
  root->Rule(scope_rule(KeyRule::Kind::kForbidUnless, {"domain"}, "approved_products",
                        Code::kApprovedProductsScope,
                        "`approved_products` is set by a domain manifest only",
                        "move the list to the domain manifest, or set `scope: domain`"));
  root->Rule(scope_rule(
      KeyRule::Kind::kForbidUnless, {"enterprise"}, "approved_sinks", Code::kApprovedSinksScope,
      "`approved_sinks` is set by the enterprise manifest only",
      "move the whitelist to the enterprise manifest, or set `scope: enterprise`"));
  root->special_unknown_keys = ManifestEnvironmentKeys();
  root->special_unknown_code = Code::kEnvironmentKey;
  root->special_unknown_message = "environment-specific settings are not allowed in a manifest";
  root->description = "floe platform manifest (manifest.yaml)";
  return root;
}

SchemaRef FloeSpecSchema() {
  auto override_item =
      Object(
          {Optional(
               "model",
               Pattern(R"(^[a-zA-Z_][a-zA-Z0-9_]*$)", IsIdentifier)->Describe("a dbt model name")),
           Optional("folder",
                    NonEmpty()->Describe("a folder under the dbt model paths, e.g. staging")),
           Optional("compute", NonEmpty()), Optional("tier", Tier()), Optional("tags", Strings())})
          ->Rule(Rule(KeyRule::Kind::kOneOf, "model", {}, "folder", Code::kConflictingKeys,
                      "an override names exactly one of `model` and `folder`",
                      "write one override per model or per folder"));
  auto dbt_project = Object({
      Required("type", Enum({"dbt"})),
      Optional("path",
               NonEmpty()->Default(".")->Describe("the dbt project folder, relative to floe.yaml")),
      Optional("overrides", ListOf(override_item)),
  });
  auto quality_check = Object({
      Required("name", NonEmpty()),
      Required("type", NonEmpty()),
      Optional("column", NonEmpty()),
      Optional("dimension",
               Enum({"completeness", "accuracy", "validity", "consistency", "timeliness"})),
      Optional("severity", Enum({"critical", "warning", "info"})->Default("warning")),
      Optional("custom_weight", Number(0.1, 10)),
      Optional("parameters", Any()),
      Optional("enabled", Boolean()->Default(true)),
  });
  auto model =
      Object({
                 Required("name", Pattern(R"(^[a-zA-Z_][a-zA-Z0-9_]*$)", IsIdentifier)
                                      ->MaxLength(128)
                                      ->Describe("the dbt model name: letters, digits and '_'")),
                 Optional("compute", NonEmpty()),
                 Optional("tags", Strings()),
                 Optional("dependsOn", Strings()),
                 Optional("depends_on", Strings()),
                 Optional("tier", Tier()),
                 Optional("qualityChecks", ListOf(quality_check)),
             })
          ->Rule(Rule(KeyRule::Kind::kExclusive, "dependsOn", {}, "depends_on",
                      Code::kConflictingKeys, "`depends_on` and `dependsOn` are the same setting",
                      "keep one of them"));
  auto port_column = Object({
      Required("name", NonEmpty()),
      Required("type", Enum({"string", "integer", "number", "boolean", "date", "timestamp", "time",
                             "array", "object"})),
      Optional("description", String()),
      Optional("required", Boolean()->Default(false)),
      Optional("primaryKey", Boolean()->Default(false)),
      Optional("classification", Classification()),
  });
  auto output_port = Object({
      Required("name", Pattern(R"(^[a-zA-Z_][a-zA-Z0-9_]*$)", IsIdentifier)),
      Optional("description", String()),
      Optional("owner", NonEmpty()),
      Optional("model", NonEmpty()->Describe("the dbt model that backs the port")),
      Optional("classification", Classification()),
      Optional("schema", ListOf(port_column)->MinItems(1)->UniqueBy("name")),
  });
  auto destination = Object({
      Required("name", NonEmpty()->MaxLength(100)),
      Required("sink_type", NonEmpty()),
      Required("connection_secret_ref", K8sName()),
      Optional("source_table", NonEmpty()),
      Optional("config", Any()),
      Optional("field_mapping", DataKeys(MapOf(String()))),
      Optional("batch_size", Integer(1, 100000)->Default(1000)),
  });
  auto root = Object({
      Required("apiVersion", Enum({std::string(kApiVersion)})),
      Required("kind", Enum({std::string(kFloeSpecKind)})),
      Required(
          "metadata",
          Object({Required(
                      "name",
                      Pattern(R"(^[a-z][a-z0-9-]*$)", IsProductName)
                          ->MaxLength(63)
                          ->Describe("lowercase letters, digits and '-', starting with a letter")),
                  Required("version", Semver()), Optional("description", String()->MaxLength(500)),
                  Optional("owner", NonEmpty()), Optional("labels", MapOf(String()))})),
      Optional(
          "platform",
          Object({Required(
              "manifest", NonEmpty()->Describe("path of the platform manifest, or oci://…:tag"))})),
      Required("transforms", MapOrList(dbt_project, ListOf(model)->MinItems(1)->UniqueBy("name"))),
      Optional("schedule",
               Object({Required("cron", String()->Checked(CronCheck())),
                       Optional("timezone", String()->Default("UTC")->Checked(TimezoneCheck())),
                       Optional("enabled", Boolean()->Default(true))})),
      Optional("outputPorts", ListOf(output_port)->UniqueBy("name")),
      Optional("destinations", ListOf(destination)->UniqueBy("name")),
  });
  root->description = "floe data product (floe.yaml)";
  return root;
}

bool ValidateDocument(const Document& document, DocumentKind kind, const Schema& schema,
                      Diagnostics& diagnostics) {
  size_t errors_before = diagnostics.error_count();
  const Node& root = document.root;
  std::string_view expected = kind == DocumentKind::kManifest ? kManifestKind : kFloeSpecKind;
  std::string_view other = kind == DocumentKind::kManifest ? kFloeSpecKind : kManifestKind;
  if (root.is_map()) {
    const Node* k = root.Find("kind");
    if (k != nullptr && k->kind == Node::Kind::kString && k->text == other) {
      std::string what =
          kind == DocumentKind::kManifest ? "a data product (floe.yaml)" : "a platform manifest";
      diagnostics.Error(
          Code::kWrongDocumentKind, document.At(k->mark),
          "this file is " + what + ", but a `" + std::string(expected) + "` is expected here",
          kind == DocumentKind::kManifest ? "pass the platform's manifest.yaml"
                                          : "pass the product's floe.yaml");
      return false;
    }
  } else if (root.is_null()) {
    diagnostics.Error(
        Code::kWrongType, document.At(Mark{1, 1}), "the file is empty",
        "start with `apiVersion: floe.dev/v1` and `kind: " + std::string(expected) + "`");
    return false;
  }
  ValidationContext ctx{document, diagnostics, {}, Code::kCredentialKey, {}};
  if (kind == DocumentKind::kFloeSpec) {
    ctx.forbidden_keys = FloeSpecForbiddenKeys();
    ctx.forbidden_hint =
        "connection settings live in the platform manifest (plugins.<category>.config) and secrets "
        "in "
        "its connection_secret_ref; the same floe.yaml then runs in every environment";
  }
  Path root_path;
  Validate(root, schema, root_path, ctx);
  return diagnostics.error_count() == errors_before;
}

bool LoadDocument(const std::string& path, DocumentKind kind, const Schema& schema,
                  Document& document, Diagnostics& diagnostics) {
  if (!LoadYamlFile(path, document, diagnostics))
    return false;
  return ValidateDocument(document, kind, schema, diagnostics);
}

}  // namespace floe::config
