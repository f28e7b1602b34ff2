#pragma once
// CompiledArtifacts on disk: the JSON Schema that describes them, the reader (which accepts
// older minor versions) and the renderings (json, yaml, Kubernetes ConfigMap).

#include <optional>
#include <string>

#include "floe/base/diagnostic.h"
#include "floe/config/schema.h"

namespace floe::compile {

using Json = config::Json;

config::SchemaRef CompiledArtifactsSchema();

/// Reads compiled_artifacts.json: refuses other majors and newer minors (FLOE-C400), invalid
/// JSON (FLOE-C401) and content that does not match the schema.
std::optional<Json> ReadCompiledArtifacts(const std::string& path, Diagnostics& diagnostics);

enum class OutputFormat : uint8_t { kJson, kYaml, kConfigMap };

struct RenderOptions {
  OutputFormat format = OutputFormat::kJson;
  std::string configmap_name = "floe-compiled-values";
  std::string namespace_name;  // configmap only; empty = none
};

/// Deterministic bytes: same artifacts, same output.
std::string Render(const Json& artifacts, const RenderOptions& options);

/// Block-style YAML for any JSON value (strings double-quoted, so every value reads back exactly).
std::string ToYaml(const Json& value);

}  // namespace floe::compile
