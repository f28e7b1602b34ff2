#pragma once
// The three documents floe reads: manifest.yaml (kind Manifest), floe.yaml (kind FloeSpec) and
// compiled_artifacts.json. Their schemas are declared once here and drive validation, defaults
// and the exported JSON Schema.

#include <string>
#include <string_view>
#include <vector>

#include "floe/base/diagnostic.h"
#include "floe/base/node.h"
#include "floe/config/schema.h"

namespace floe::config {

inline constexpr std::string_view kApiVersion = "floe.dev/v1";
inline constexpr std::string_view kManifestKind = "Manifest";
inline constexpr std::string_view kFloeSpecKind = "FloeSpec";

/// The plugin categories a manifest selects from, in their documented order.
const std::vector<std::string>& PluginCategories();

/// One plugin the running floe offers: it makes `type: <name>` valid in `plugins.<category>`
/// and validates `config` with `config_schema`.
struct PluginChoice {
  std::string category;
  std::string name;
  SchemaRef config_schema;
};

/// manifest.yaml, with plugin types limited to `available`.
SchemaRef ManifestSchema(const std::vector<PluginChoice>& available);
/// floe.yaml.
SchemaRef FloeSpecSchema();
/// Keys a data product may never contain, at any depth (credentials and hosts), lower case.
const std::vector<std::string>& FloeSpecForbiddenKeys();
/// Top-level manifest keys that would make the manifest environment-specific.
const std::vector<std::string>& ManifestEnvironmentKeys();

enum class DocumentKind : uint8_t { kManifest, kFloeSpec };

/// Loads a YAML document and validates it against `schema`, reporting every problem. Returns
/// true when the document has no error (warnings allowed).
bool LoadDocument(const std::string& path, DocumentKind kind, const Schema& schema,
                  Document& document, Diagnostics& diagnostics);

/// Validates an already parsed document (used by LoadDocument and by the fuzz target).
bool ValidateDocument(const Document& document, DocumentKind kind, const Schema& schema,
                      Diagnostics& diagnostics);

}  // namespace floe::config
