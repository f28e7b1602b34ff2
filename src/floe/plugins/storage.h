#pragma once
// Plugin category `storage`: object storage holding table data and metadata.

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class StoragePlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
