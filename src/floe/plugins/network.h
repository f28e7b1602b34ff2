#pragma once
// Plugin category `network`: generates network policies for the platform's deployment.

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class NetworkPlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
