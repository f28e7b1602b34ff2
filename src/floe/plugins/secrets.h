#pragma once
// Plugin category `secrets`: resolves connection_secret_ref values at run time.

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class SecretsPlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
