#pragma once
// DuckDB through its stable C API, with every handle owned by an RAII object. Only duckdb.cc
// includes duckdb.h.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/plugins/compute.h"

namespace floe::sql {

using plugins::QueryResult;

class DuckConnection;

class DuckDatabase : public plugins::ComputeDatabase {
 public:
  /// Opens (or creates) a database file; ":memory:" or "" for an in-memory database.
  static std::unique_ptr<DuckDatabase> Open(const std::string& path, std::string* error);
  ~DuckDatabase() override;
  DuckDatabase(const DuckDatabase&) = delete;
  DuckDatabase& operator=(const DuckDatabase&) = delete;
  DuckDatabase(DuckDatabase&&) = delete;
  DuckDatabase& operator=(DuckDatabase&&) = delete;

  std::unique_ptr<DuckConnection> ConnectDuck(std::string* error);
  std::unique_ptr<plugins::ComputeConnection> Connect(std::string* error) override;
  /// The version of the linked library, e.g. "v1.4.4".
  static std::string LibraryVersion();

 private:
  struct Impl;
  explicit DuckDatabase(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class DuckConnection : public plugins::ComputeConnection {
 public:
  ~DuckConnection() override;
  DuckConnection(const DuckConnection&) = delete;
  DuckConnection& operator=(const DuckConnection&) = delete;
  DuckConnection(DuckConnection&&) = delete;
  DuckConnection& operator=(DuckConnection&&) = delete;

  /// Runs `sql`; on failure returns false with DuckDB's message in `error`.
  bool Query(const std::string& sql, QueryResult* result, std::string* error) override;
  void Interrupt() override;

 private:
  friend class DuckDatabase;
  struct Impl;
  explicit DuckConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace floe::sql
