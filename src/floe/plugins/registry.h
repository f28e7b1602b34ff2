#pragma once
// The set of plugins one floe process offers. A plain object: the CLI builds it and registers
// the built-in plugins explicitly; tests build their own. No global state.

#include <memory>
#include <string_view>
#include <vector>

#include "floe/base/diagnostic.h"
#include "floe/config/documents.h"
#include "floe/plugins/plugin.h"

namespace floe::plugins {

class PluginRegistry {
 public:
  /// Adds a plugin. A second plugin with the same category and name, an unknown category or a
  /// plugin API major other than ours is refused (FLOE-C302) and the registry is unchanged.
  bool Register(std::unique_ptr<Plugin> plugin, Diagnostics& diagnostics);

  const Plugin* Find(std::string_view category, std::string_view name) const;
  template <class T>
  const T* FindAs(std::string_view category, std::string_view name) const {
    return dynamic_cast<const T*>(Find(category, name));
  }

  /// Every plugin, in category order (config::PluginCategories()) then by name.
  std::vector<const PluginInfo*> List() const;
  /// What manifest.yaml may select, for its schema.
  std::vector<config::PluginChoice> Choices() const;

 private:
  std::vector<std::unique_ptr<Plugin>> plugins_;
};

}  // namespace floe::plugins
