#pragma once
// Plugin category `orchestrator`: runs products on schedules and dispatches their nodes.

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class OrchestratorPlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
