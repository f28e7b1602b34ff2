#pragma once
// Plugin category `compute`: the engine that runs compiled SQL (DuckDB, PostgreSQL, …).
// Compile time: the dbt profile output an engine gets. Run time: a database that hands out
// connections, one per worker thread; nothing above this interface knows which engine runs.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/plugins/plugin.h"

namespace floe::plugins {

/// A fully read query result: column names, the engine's type names (upper case, e.g.
/// INTEGER, VARCHAR, DOUBLE, TIMESTAMP) and values as the engine's own text (NULL = nullopt).
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::string> types;
  std::vector<std::vector<std::optional<std::string>>> rows;
  int64_t rows_affected = -1;  // rows a DML statement changed; -1 when the engine does not say
  std::string status;          // the engine's command status ("INSERT 0 5"), empty if it has none
};

/// One session on an engine: its own transaction. Used by one thread at a time.
class ComputeConnection {
 public:
  ComputeConnection() = default;
  ComputeConnection(const ComputeConnection&) = delete;
  ComputeConnection& operator=(const ComputeConnection&) = delete;
  ComputeConnection(ComputeConnection&&) = delete;
  ComputeConnection& operator=(ComputeConnection&&) = delete;
  virtual ~ComputeConnection() = default;
  /// Runs `sql` (one or more statements); on failure returns false with the engine's message.
  virtual bool Query(const std::string& sql, QueryResult* result, std::string* error) = 0;
  /// Asks the running query to stop (from another thread); it then fails.
  virtual void Interrupt() = 0;
};

/// An opened database: where a run's connections come from. Connect is thread-safe.
class ComputeDatabase {
 public:
  ComputeDatabase() = default;
  ComputeDatabase(const ComputeDatabase&) = delete;
  ComputeDatabase& operator=(const ComputeDatabase&) = delete;
  ComputeDatabase(ComputeDatabase&&) = delete;
  ComputeDatabase& operator=(ComputeDatabase&&) = delete;
  virtual ~ComputeDatabase() = default;
  virtual std::unique_ptr<ComputeConnection> Connect(std::string* error) = 0;
};

class ComputePlugin : public Plugin {
 public:
  /// The dbt profile output (profiles.yml `outputs.<target>`) for this engine and product.
  virtual Json DbtProfileOutput(const Json& resolved_config,
                                const ProductContext& product) const = 0;
  /// Opens the database a dbt profile target describes (its fields as JSON, relative paths
  /// already resolved); null with `error` when it cannot.
  virtual std::unique_ptr<ComputeDatabase> Open(const Json& target, std::string* error) const = 0;
};

}  // namespace floe::plugins
