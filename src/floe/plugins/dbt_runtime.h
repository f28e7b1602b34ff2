#pragma once
// Plugin category `dbt_runtime`: executes dbt projects (floe's native runtime).

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class DbtRuntimePlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
