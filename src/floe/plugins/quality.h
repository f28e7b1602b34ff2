#pragma once
// Plugin category `quality`: runs data quality checks beyond dbt tests.

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class QualityPlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
