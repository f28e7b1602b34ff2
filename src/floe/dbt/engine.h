#pragma once
// The compute engine as dbt templates and the runner see it: a connection per thread that uses
// it (opened on first use, each with its own transaction) and the run's relation cache (dbt's
// adapter cache: what exists in each schema, read once per schema and kept up to date by the
// materializations' renames, drops and creations).

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "floe/jinja/value.h"
#include "floe/plugins/compute.h"

namespace floe::dbt {

using jinja::Value;

/// A query result as dbt's agate table offers it to templates: values typed by their column
/// (integers, floats, booleans; other types as the engine's text).
struct QueryTable {
  std::vector<std::string> columns;
  std::vector<std::string> types;
  std::vector<std::vector<Value>> rows;
  /// The cells as the engine returned them (nullopt for NULL): what a unit test compares, as
  /// dbt compares the text of the values.
  std::shared_ptr<const std::vector<std::vector<std::optional<std::string>>>> text;
  int64_t rows_affected = -1;
  std::string status;  // the engine's command status, empty when it has none
};

/// `s` as an SQL string literal ('…', quotes doubled).
std::string SqlString(std::string_view s);

/// What ends each statement in the FLOE_SQL_LOG file.
inline constexpr const char* kStatementEnd = "\n-- floe:end-of-statement --\n";

class Engine {
 public:
  using Opener = std::function<std::unique_ptr<plugins::ComputeDatabase>(std::string* error)>;
  /// `open` is called on first use (commands that never query open nothing).
  explicit Engine(Opener open) : open_(std::move(open)) {}
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  Engine(Engine&&) = delete;
  Engine& operator=(Engine&&) = delete;
  ~Engine();

  /// Runs `sql` on the calling thread's connection; with `auto_begin`, a transaction is begun
  /// first when none is open (dbt's statement(auto_begin=True)).
  bool Execute(const std::string& sql, QueryTable* result, std::string* error,
               bool auto_begin = false);
  bool Begin(std::string* error);
  /// Commits the calling thread's transaction, if one is open.
  bool Commit(std::string* error);
  /// Rolls back the calling thread's transaction, if one is open.
  void Rollback();
  /// Interrupts every connection's running query (Ctrl-C).
  void InterruptAll();

  /// The type ("table", "view") of a relation, from the cache (the schema is listed on first
  /// asking); nullopt when it does not exist. Names compare case-insensitively, as DuckDB's.
  std::optional<std::string> RelationType(const std::string& database, const std::string& schema,
                                          const std::string& identifier, std::string* error);
  /// The relations of a schema: (identifier, type).
  std::vector<std::pair<std::string, std::string>> ListRelations(const std::string& database,
                                                                 const std::string& schema,
                                                                 std::string* error);
  void CacheAdd(const std::string& database, const std::string& schema,
                const std::string& identifier, const std::string& type);
  void CacheDrop(const std::string& database, const std::string& schema,
                 const std::string& identifier);
  /// A relation renamed: `from` leaves the cache and `to` (of `type`) enters it, whether or not
  /// `from` was cached (an intermediate relation a statement created is not).
  void CacheRename(const std::string& database, const std::string& schema, const std::string& from,
                   const std::string& to, const std::string& type);
  /// Forgets every listed schema (a `drop … cascade` may have dropped dependent views anywhere:
  /// what exists is read again when next asked).
  void CacheForgetAll();
  /// Forgets a dropped schema.
  void CacheDropSchema(const std::string& database, const std::string& schema);

 private:
  struct Connection {
    std::unique_ptr<plugins::ComputeConnection> con;
    bool in_transaction = false;
  };
  Connection* ThreadConnection(std::string* error);
  // Reads a schema's relations into the cache unless it is there; false on a query failure.
  bool LoadSchema(const std::string& key, const std::string& database, const std::string& schema,
                  std::string* error);

  Opener open_;
  std::mutex mutex_;  // guards db_, connections_ and the cache
  std::unique_ptr<plugins::ComputeDatabase> db_;
  std::string open_error_;
  bool opened_ = false;
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> connections_;
  // lower(database.schema) -> lower(identifier) -> (identifier as found, type)
  std::map<std::string, std::map<std::string, std::pair<std::string, std::string>>> cache_;
};

}  // namespace floe::dbt
