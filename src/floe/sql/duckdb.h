#pragma once
// DuckDB through its stable C API, with every handle owned by an RAII object. Only duckdb.cc
// includes duckdb.h.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace floe::sql {

/// A fully materialised query result: column names and values as text (NULL = nullopt).
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

class DuckConnection;

class DuckDatabase {
 public:
  /// Opens (or creates) a database file; ":memory:" or "" for an in-memory database.
  static std::unique_ptr<DuckDatabase> Open(const std::string& path, std::string* error);
  ~DuckDatabase();
  DuckDatabase(const DuckDatabase&) = delete;
  DuckDatabase& operator=(const DuckDatabase&) = delete;
  DuckDatabase(DuckDatabase&&) = delete;
  DuckDatabase& operator=(DuckDatabase&&) = delete;

  std::unique_ptr<DuckConnection> Connect(std::string* error);
  /// The version of the linked library, e.g. "v1.4.4".
  static std::string LibraryVersion();

 private:
  struct Impl;
  explicit DuckDatabase(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class DuckConnection {
 public:
  ~DuckConnection();
  DuckConnection(const DuckConnection&) = delete;
  DuckConnection& operator=(const DuckConnection&) = delete;
  DuckConnection(DuckConnection&&) = delete;
  DuckConnection& operator=(DuckConnection&&) = delete;

  /// Runs `sql`; on failure returns false with DuckDB's message in `error`.
  bool Query(const std::string& sql, QueryResult* result, std::string* error);

 private:
  friend class DuckDatabase;
  struct Impl;
  explicit DuckConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace floe::sql
