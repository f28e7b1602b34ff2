#pragma once
// What every plugin declares about itself, and the base class of the per-category interfaces.

#include <string>
#include <vector>

#include "floe/config/schema.h"

namespace floe::plugins {

using Json = config::Json;

/// The API version plugins are written against; a plugin with another major is refused.
inline constexpr const char* kPluginApiVersion = "1.0";

struct PluginInfo {
  std::string category;  // one of config::PluginCategories()
  std::string name;      // the `type:` that selects it in manifest.yaml
  std::string version;   // semver of the implementation
  std::string description;
  std::vector<std::string> capabilities;  // what this build of the plugin can do
  config::SchemaRef config_schema;        // its `config:` block; validated at compile
};

/// What a plugin knows about the product being compiled.
struct ProductContext {
  std::string name;  // customer-360
  std::string slug;  // customer_360
  std::string version;
  std::string directory;  // folder of floe.yaml
};

class Plugin {
 public:
  Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;
  Plugin(Plugin&&) = delete;
  Plugin& operator=(Plugin&&) = delete;
  virtual ~Plugin() = default;

  virtual const PluginInfo& info() const = 0;

  /// The plugin's configuration as compiled into the artifacts: `config` has been validated
  /// against info().config_schema and carries its defaults. The default returns it unchanged.
  virtual Json ResolveConfig(const Json& config, const ProductContext& product) const;
};

/// A plugin of category `Interface` that today consists of its description and configuration
/// schema (the compile-time part); later issues give such plugins their run-time behaviour.
template <class Interface>
class DescribedPlugin : public Interface {
 public:
  explicit DescribedPlugin(PluginInfo info) : info_(std::move(info)) {}
  const PluginInfo& info() const override { return info_; }

 private:
  PluginInfo info_;
};

/// Replaces the variables {product_name} and {product_slug} in every string of `value`.
Json ExpandProductVariables(const Json& value, const ProductContext& product);

}  // namespace floe::plugins
