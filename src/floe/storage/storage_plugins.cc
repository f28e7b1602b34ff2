#include "floe/storage/storage_plugins.h"

namespace floe::storage {
namespace {

using config::Optional;
using config::Required;

using DescribedStorage = plugins::DescribedPlugin<plugins::StoragePlugin>;

}  // namespace

std::unique_ptr<plugins::StoragePlugin> MakeLocalStorage() {
  return std::make_unique<DescribedStorage>(plugins::PluginInfo{
      "storage",
      "local",
      "0.1.0",
      "a folder on the local disk (the embedded default)",
      {"config"},
      config::Object(
          {Optional("root", config::String()
                                ->Default("warehouse")
                                ->Describe("warehouse folder, relative to the product"))})});
}

std::unique_ptr<plugins::StoragePlugin> MakeS3Storage() {
  return std::make_unique<DescribedStorage>(plugins::PluginInfo{
      "storage",
      "s3",
      "0.1.0",
      "Amazon S3 or an S3-compatible store (MinIO, …); credentials come from the secrets plugin or "
      "the environment",
      {"config"},
      config::Object({
          Required("bucket", config::String()),
          Optional("prefix", config::String()),
          Optional("region", config::String()->Default("us-east-1")),
          Optional("endpoint",
                   config::String()->Describe("custom endpoint URL, e.g. http://minio:9000")),
          Optional("path_style_access", config::Boolean()->Default(false)),
      })});
}

}  // namespace floe::storage
