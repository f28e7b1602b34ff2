#pragma once
// Plugin category `semantic_layer`: serves metrics and semantic models built on the product's
// tables.

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class SemanticLayerPlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
