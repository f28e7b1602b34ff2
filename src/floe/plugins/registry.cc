#include "floe/plugins/registry.h"

#include <algorithm>

namespace floe::plugins {
namespace {

size_t CategoryIndex(std::string_view category) {
  const auto& categories = config::PluginCategories();
  return static_cast<size_t>(std::find(categories.begin(), categories.end(), category) -
                             categories.begin());
}

}  // namespace

bool PluginRegistry::Register(std::unique_ptr<Plugin> plugin, Diagnostics& diagnostics) {
  if (plugin == nullptr) {
    diagnostics.Error(Code::kDuplicatePlugin, {}, "a null plugin cannot be registered");
    return false;
  }
  const PluginInfo& info = plugin->info();
  if (CategoryIndex(info.category) == config::PluginCategories().size()) {
    diagnostics.Error(Code::kDuplicatePlugin, {},
                      "plugin `" + info.name + "` has an unknown category `" + info.category + "`");
    return false;
  }
  if (Find(info.category, info.name) != nullptr) {
    diagnostics.Error(
        Code::kDuplicatePlugin, {},
        "a " + info.category + " plugin named `" + info.name + "` is already registered");
    return false;
  }
  plugins_.push_back(std::move(plugin));
  return true;
}

const Plugin* PluginRegistry::Find(std::string_view category, std::string_view name) const {
  for (const auto& p : plugins_) {
    if (p->info().category == category && p->info().name == name)
      return p.get();
  }
  return nullptr;
}

std::vector<const PluginInfo*> PluginRegistry::List() const {
  std::vector<const PluginInfo*> out;
  out.reserve(plugins_.size());
  for (const auto& p : plugins_)
    out.push_back(&p->info());
  std::sort(out.begin(), out.end(), [](const PluginInfo* a, const PluginInfo* b) {
    size_t ca = CategoryIndex(a->category);
    size_t cb = CategoryIndex(b->category);
    return ca != cb ? ca < cb : a->name < b->name;
  });
  return out;
}

std::vector<config::PluginChoice> PluginRegistry::Choices() const {
  std::vector<config::PluginChoice> out;
  for (const PluginInfo* info : List())
    out.push_back({info->category, info->name, info->config_schema});
  return out;
}

}  // namespace floe::plugins
