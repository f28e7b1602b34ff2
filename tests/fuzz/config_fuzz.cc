// libFuzzer target for the configuration loader: any bytes, read as manifest.yaml and as
// floe.yaml, must give diagnostics, never a crash, a hang or a leak.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "floe/cli/context.h"
#include "floe/config/documents.h"

namespace {

struct Schemas {
  floe::config::SchemaRef manifest;
  floe::config::SchemaRef spec;
};

const Schemas& GetSchemas() {
  static const Schemas schemas = [] {
    floe::plugins::PluginRegistry registry;
    floe::Diagnostics diagnostics;
    floe::cli::RegisterBuiltinPlugins(registry, diagnostics);
    return Schemas{floe::config::ManifestSchema(registry.Choices()),
                   floe::config::FloeSpecSchema()};
  }();
  return schemas;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const Schemas& schemas = GetSchemas();
  floe::Document document;
  document.path = "fuzz.yaml";
  floe::Diagnostics diagnostics;
  if (!floe::ParseYaml(text, document, diagnostics))
    return 0;
  floe::config::ValidateDocument(document, floe::config::DocumentKind::kManifest, *schemas.manifest,
                                 diagnostics);
  floe::config::ValidateDocument(document, floe::config::DocumentKind::kFloeSpec, *schemas.spec,
                                 diagnostics);
  (void)floe::config::Materialize(document.root, *schemas.manifest).dump();
  (void)floe::config::Materialize(document.root, *schemas.spec).dump();
  for (const floe::Diagnostic& d : diagnostics.items())
    (void)floe::RenderText(d);
  return 0;
}
