#include "floe/plugins/plugin.h"

namespace floe::plugins {
namespace {

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

}  // namespace

Json Plugin::ResolveConfig(const Json& config, const ProductContext& product) const {
  return ExpandProductVariables(config, product);
}

Json ExpandProductVariables(const Json& value, const ProductContext& product) {
  if (value.is_string()) {
    std::string s = value.get<std::string>();
    ReplaceAll(s, "{product_name}", product.name);
    ReplaceAll(s, "{product_slug}", product.slug);
    return s;
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [k, v] : value.items())
      out[k] = ExpandProductVariables(v, product);
    return out;
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& v : value)
      out.push_back(ExpandProductVariables(v, product));
    return out;
  }
  return value;
}

}  // namespace floe::plugins
