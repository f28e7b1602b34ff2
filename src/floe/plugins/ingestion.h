#pragma once
// Plugin category `ingestion`: loads sources into the platform before transformations run.

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class IngestionPlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
