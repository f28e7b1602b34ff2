#include "floe/catalog/catalog_plugins.h"

namespace floe::catalog {
namespace {

using config::Optional;
using config::Required;

using DescribedCatalog = plugins::DescribedPlugin<plugins::CatalogPlugin>;

}  // namespace

std::unique_ptr<plugins::CatalogPlugin> MakeFloeCatalog() {
  return std::make_unique<DescribedCatalog>(plugins::PluginInfo{
      "catalog",
      "floe",
      "0.1.0",
      "floe's own Iceberg REST catalog, embedded (SQLite) or served by `floe catalog serve`",
      {"config"},
      config::Object({
          Optional("warehouse", config::String()->Default("warehouse")),
          Optional("database",
                   config::String()
                       ->Default("target/catalog.db")
                       ->Describe("SQLite file of the embedded catalog, relative to the product")),
          Optional("uri", config::String()->Describe("URL of a running `floe catalog serve`")),
      })});
}

std::unique_ptr<plugins::CatalogPlugin> MakeRestCatalog() {
  return std::make_unique<DescribedCatalog>(plugins::PluginInfo{
      "catalog",
      "rest",
      "0.1.0",
      "any Iceberg REST catalog (Apache Polaris, …); the client secret comes from "
      "connection_secret_ref",
      {"config"},
      config::Object({
          Required("uri",
                   config::String()->Describe("base URL, e.g. http://polaris:8181/api/catalog")),
          Optional("warehouse", config::String()),
          Optional("oauth2", config::Object({Optional("token_url", config::String()),
                                             Required("client_id", config::String()),
                                             Optional("scope", config::String()->Default(
                                                                   "PRINCIPAL_ROLE:ALL"))})),
          Optional("access_delegation", config::Enum({"vended-credentials", "remote-signing"})),
      })});
}

}  // namespace floe::catalog
