#pragma once
// The platform a product compiles against: its manifest and the chain of parents above it
// (enterprise -> domain(s) -> the manifest the product names), merged into one effective
// manifest after checking that no child weakens what a parent decided.

#include <string>
#include <vector>

#include "floe/base/diagnostic.h"
#include "floe/base/node.h"
#include "floe/config/schema.h"

namespace floe::config {

struct ManifestLayer {
  std::string ref;  // as written by the child (or the path given on the command line)
  Document document;
  std::string scope;  // enterprise, domain or none
};

struct Platform {
  std::vector<ManifestLayer> chain;  // root (enterprise) first, the product's manifest last
  Node merged;                       // the effective manifest, before defaults
  Json effective;                    // `merged` with the schema's defaults filled in

  const ManifestLayer& leaf() const { return chain.back(); }
  /// "simple" (one manifest, no scope), "centralized" (enterprise only) or "mesh".
  std::string mode() const;
};

/// Loads `manifest_path` and its parents, validates each, checks the inheritance rules (cycles,
/// parent scopes, no weakening, whitelists) and merges them. Every problem goes to
/// `diagnostics`; returns false when there is any error. `named_at` is where the manifest's
/// path was written (floe.yaml's platform.manifest), so that a missing file is reported there.
bool LoadPlatform(const std::string& manifest_path, const Schema& manifest_schema,
                  Platform& platform, Diagnostics& diagnostics, const Location* named_at = nullptr);

/// Checks a data product against its platform: approved products, approved compute plugins for
/// per-transform overrides, approved sinks, configured computes.
void CheckProductAgainstPlatform(const Document& spec, const Platform& platform,
                                 Diagnostics& diagnostics);

/// The governance settings that a child manifest may only tighten, with their order.
struct StrictnessRule {
  std::string path;                // dotted path under the manifest root
  std::vector<std::string> order;  // weakest first; empty for numbers (higher is stricter)
};
const std::vector<StrictnessRule>& NoWeakeningRules();

}  // namespace floe::config
