#pragma once
// Plugin category `catalog`: the Iceberg catalog every output table is committed through.

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class CatalogPlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
