#pragma once
// The built-in storage plugins: a local folder (embedded default) and S3-compatible storage.

#include <memory>

#include "floe/plugins/storage.h"

namespace floe::storage {

std::unique_ptr<plugins::StoragePlugin> MakeLocalStorage();
std::unique_ptr<plugins::StoragePlugin> MakeS3Storage();

}  // namespace floe::storage
