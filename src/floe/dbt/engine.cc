#include "floe/dbt/engine.h"

#include <cstdio>
#include <cstdlib>
#include <set>

#include "floe/base/utf8.h"

namespace floe::dbt {
namespace {

std::string SchemaKey(const std::string& database, const std::string& schema) {
  return AsciiLower(database) + "." + AsciiLower(schema);
}

// How a column's cells become template values, as agate reads a result: by the column's type,
// decided once per column.
enum class CellKind : uint8_t { kText, kInteger, kFloat, kBoolean };

CellKind KindOf(const std::string& type) {
  static const std::set<std::string, std::less<>> kIntegers = {"INTEGER", "BIGINT",    "SMALLINT",
                                                               "TINYINT", "HUGEINT",   "UINTEGER",
                                                               "UBIGINT", "USMALLINT", "UTINYINT"};
  static const std::set<std::string, std::less<>> kFloats = {
      "DOUBLE", "FLOAT", "DECIMAL", "REAL", "NUMERIC", "DOUBLE PRECISION"};
  if (kIntegers.count(type) != 0)
    return CellKind::kInteger;
  if (kFloats.count(type) != 0)
    return CellKind::kFloat;
  return type == "BOOLEAN" ? CellKind::kBoolean : CellKind::kText;
}

Value Typed(CellKind kind, const std::string& text) {
  char* end = nullptr;
  switch (kind) {
    case CellKind::kInteger: {
      long long i = std::strtoll(text.c_str(), &end, 10);
      return !text.empty() && *end == '\0' ? Value(static_cast<int64_t>(i)) : Value(text);
    }
    case CellKind::kFloat: {
      double d = std::strtod(text.c_str(), &end);
      return !text.empty() && *end == '\0' ? Value(d) : Value(text);
    }
    case CellKind::kBoolean:
      return Value(text == "true" || text == "t");
    case CellKind::kText:
      break;
  }
  return Value(text);
}

}  // namespace

std::string SqlString(std::string_view s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

Engine::~Engine() = default;

Engine::Connection* Engine::ThreadConnection(std::string* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto id = std::this_thread::get_id();
  if (auto it = connections_.find(id); it != connections_.end())
    return it->second.get();
  if (!opened_) {
    opened_ = true;
    db_ = open_(&open_error_);
  }
  if (!db_) {
    if (error != nullptr)
      *error = open_error_.empty() ? "no database" : open_error_;
    return nullptr;
  }
  auto c = std::make_unique<Connection>();
  c->con = db_->Connect(error);
  if (!c->con)
    return nullptr;
  Connection* out = c.get();
  connections_[id] = std::move(c);
  return out;
}

// FLOE_SQL_LOG=FILE: every statement sent to the engine is appended to FILE, each followed by
// kStatementEnd (bench/dbt_build replays them to measure what the engine alone takes).
void LogStatement(const std::string& sql) {
  static const char* path = std::getenv("FLOE_SQL_LOG");
  if (path == nullptr)
    return;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  static std::FILE* file = std::fopen(path, "a");
  if (file != nullptr) {
    std::fputs(sql.c_str(), file);
    std::fputs(kStatementEnd, file);
    std::fflush(file);
  }
}

bool Engine::Execute(const std::string& sql, QueryTable* result, std::string* error,
                     bool auto_begin) {
  Connection* c = ThreadConnection(error);
  if (c == nullptr)
    return false;
  if (auto_begin && !Begin(error))
    return false;
  LogStatement(sql);
  plugins::QueryResult r;
  if (!c->con->Query(sql, &r, error))
    return false;
  if (result != nullptr) {
    result->columns = std::move(r.columns);
    result->types = r.types;
    result->rows_affected = r.rows_affected;
    result->status = std::move(r.status);
    std::vector<CellKind> kinds;
    kinds.reserve(r.types.size());
    for (const std::string& type : r.types)
      kinds.push_back(KindOf(type));
    result->rows.clear();
    result->rows.reserve(r.rows.size());
    for (const auto& row : r.rows) {
      std::vector<Value> out;
      out.reserve(row.size());
      for (size_t i = 0; i < row.size(); ++i)
        out.push_back(row[i] ? Typed(kinds[i], *row[i]) : Value::MakeNone());
      result->rows.push_back(std::move(out));
    }
    result->text = std::make_shared<const std::vector<std::vector<std::optional<std::string>>>>(
        std::move(r.rows));
  }
  return true;
}

bool Engine::Begin(std::string* error) {
  Connection* c = ThreadConnection(error);
  if (c == nullptr)
    return false;
  if (c->in_transaction)
    return true;
  LogStatement("begin");
  if (!c->con->Query("begin", nullptr, error))
    return false;
  c->in_transaction = true;
  return true;
}

bool Engine::Commit(std::string* error) {
  Connection* c = ThreadConnection(error);
  if (c == nullptr)
    return false;
  if (!c->in_transaction)
    return true;
  c->in_transaction = false;
  LogStatement("commit");
  return c->con->Query("commit", nullptr, error);
}

void Engine::Rollback() {
  std::string ignored;
  Connection* c = ThreadConnection(&ignored);
  if (c == nullptr || !c->in_transaction)
    return;
  c->in_transaction = false;
  LogStatement("rollback");
  c->con->Query("rollback", nullptr, &ignored);
}

void Engine::InterruptAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, c] : connections_)
    c->con->Interrupt();
}

bool Engine::LoadSchema(const std::string& key, const std::string& database,
                        const std::string& schema, std::string* error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cache_.count(key) != 0)
      return true;
  }
  QueryTable t;
  std::string sql =
      "select table_name, table_type from information_schema.tables where lower(table_schema) = "
      "lower(" +
      SqlString(schema) + ")" +
      (database.empty() ? "" : " and lower(table_catalog) = lower(" + SqlString(database) + ")");
  if (!Execute(sql, &t, error))
    return false;
  std::map<std::string, std::pair<std::string, std::string>> relations;
  for (const auto& row : t.rows) {
    std::string name = row[0].Str();
    std::string type = row[1].Str() == "VIEW" ? "view" : "table";
    relations[AsciiLower(name)] = {name, type};
  }
  std::lock_guard<std::mutex> lock(mutex_);
  cache_.emplace(key, std::move(relations));
  return true;
}

std::optional<std::string> Engine::RelationType(const std::string& database,
                                                const std::string& schema,
                                                const std::string& identifier, std::string* error) {
  std::string key = SchemaKey(database, schema);
  if (!LoadSchema(key, database, schema, error))
    return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto& relations = cache_[key];
  auto it = relations.find(AsciiLower(identifier));
  if (it == relations.end())
    return std::nullopt;
  return it->second.second;
}

std::vector<std::pair<std::string, std::string>> Engine::ListRelations(const std::string& database,
                                                                       const std::string& schema,
                                                                       std::string* error) {
  std::string key = SchemaKey(database, schema);
  std::vector<std::pair<std::string, std::string>> out;
  if (!LoadSchema(key, database, schema, error))
    return out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [lower, rel] : cache_[key])
    out.push_back(rel);
  return out;
}

void Engine::CacheAdd(const std::string& database, const std::string& schema,
                      const std::string& identifier, const std::string& type) {
  std::string key = SchemaKey(database, schema);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = cache_.find(key);
  if (it != cache_.end())  // an unlisted schema is read when first asked
    it->second[AsciiLower(identifier)] = {identifier, type};
}

void Engine::CacheDrop(const std::string& database, const std::string& schema,
                       const std::string& identifier) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = cache_.find(SchemaKey(database, schema));
  if (it != cache_.end())
    it->second.erase(AsciiLower(identifier));
}

void Engine::CacheRename(const std::string& database, const std::string& schema,
                         const std::string& from, const std::string& to, const std::string& type) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = cache_.find(SchemaKey(database, schema));
  if (it == cache_.end())
    return;  // an unlisted schema is read when first asked
  it->second.erase(AsciiLower(from));
  it->second[AsciiLower(to)] = {to, type};
}

void Engine::CacheForgetAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  cache_.clear();
}

void Engine::CacheDropSchema(const std::string& database, const std::string& schema) {
  std::lock_guard<std::mutex> lock(mutex_);
  cache_.erase(SchemaKey(database, schema));
}

}  // namespace floe::dbt
