#pragma once
// Plugin category `compute`: the engine that runs compiled SQL (DuckDB, PostgreSQL, …).

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class ComputePlugin : public Plugin {
 public:
  /// The dbt profile output (profiles.yml `outputs.<target>`) for this engine and product.
  virtual Json DbtProfileOutput(const Json& resolved_config,
                                const ProductContext& product) const = 0;
};

}  // namespace floe::plugins
