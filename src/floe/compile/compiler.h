#pragma once
// The platform compiler: floe.yaml + the manifest chain -> CompiledArtifacts, the immutable,
// deterministic document every later step (enforcement, runs, publishing, deployment) reads.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "floe/base/diagnostic.h"
#include "floe/base/node.h"
#include "floe/config/inheritance.h"
#include "floe/config/schema.h"
#include "floe/plugins/registry.h"

namespace floe::compile {

using Json = config::Json;

/// The artifacts contract version. MAJOR = breaking, MINOR = new optional fields.
inline constexpr const char* kArtifactsVersion = "0.11.0";

struct CompileOptions {
  std::string spec_path;      // floe.yaml
  std::string manifest_path;  // empty: floe.yaml's platform.manifest, resolved beside it
  /// Seconds since the epoch for `compiled_at` (SOURCE_DATE_EPOCH); now when unset.
  std::optional<int64_t> source_date_epoch;
};

/// A product and its platform, loaded and checked without error.
struct CheckedProduct {
  config::SchemaRef spec_schema;
  config::SchemaRef manifest_schema;
  Document spec;
  config::Platform platform;
};
using CheckedProductPtr = std::unique_ptr<CheckedProduct>;

/// What `floe validate` runs: loads floe.yaml and its platform chain and checks every rule.
/// Every problem goes to `diagnostics`; nullptr when there is an error.
CheckedProductPtr Check(const plugins::PluginRegistry& registry, const CompileOptions& options,
                        Diagnostics& diagnostics);
/// "product <name> <version> on platform <name> <version>".
std::string Describe(const CheckedProduct& product);

/// The CompiledArtifacts of a checked product.
Json Build(const plugins::PluginRegistry& registry, const CheckedProduct& product,
           const CompileOptions& options);

/// Check, then Build.
std::optional<Json> Compile(const plugins::PluginRegistry& registry, const CompileOptions& options,
                            Diagnostics& diagnostics);

/// "customer-360" -> "customer_360".
std::string Slug(const std::string& name);

}  // namespace floe::compile
