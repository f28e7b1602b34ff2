#pragma once
// Plugin category `identity`: authenticates users and services (OIDC, …).

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class IdentityPlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
