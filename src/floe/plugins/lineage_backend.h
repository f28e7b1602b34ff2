#pragma once
// Plugin category `lineage_backend`: receives OpenLineage events.

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class LineageBackendPlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
