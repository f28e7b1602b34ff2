#pragma once
// Plugin category `rbac`: generates access control for the platform's deployment.

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class RbacPlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
