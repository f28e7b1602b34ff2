#pragma once
// The built-in catalog plugins: floe's own Iceberg REST catalog (embedded default) and any
// Iceberg REST catalog, Apache Polaris included.

#include <memory>

#include "floe/plugins/catalog.h"

namespace floe::catalog {

std::unique_ptr<plugins::CatalogPlugin> MakeFloeCatalog();
std::unique_ptr<plugins::CatalogPlugin> MakeRestCatalog();

}  // namespace floe::catalog
