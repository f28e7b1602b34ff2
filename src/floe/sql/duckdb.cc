#include "floe/sql/duckdb.h"

#include <dlfcn.h>
#include <duckdb.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

namespace floe::sql {
namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
// The C API as a table of function pointers. libduckdb.so is loaded with dlopen the first time
// a database is opened, so commands that never compute (validate, compile, --version) start
// without paying for mapping and relocating a 60 MB library.
struct DuckApi {
#define FLOE_DUCKDB_FN(name) decltype(&::name) name = nullptr;
#include "floe/sql/duckdb_functions.def"
#undef FLOE_DUCKDB_FN
};
#pragma GCC diagnostic pop

struct LoadedApi {
  DuckApi api;
  std::string error;  // non-empty when loading failed
};

const LoadedApi& Load() {
  static const LoadedApi kLoaded = [] {
    LoadedApi out;
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("FLOE_DUCKDB_LIBRARY"); env != nullptr && *env != '\0') {
      candidates.emplace_back(env);
    }
#ifdef FLOE_DUCKDB_PATH
    candidates.emplace_back(FLOE_DUCKDB_PATH);
#endif
    candidates.emplace_back("libduckdb.so");
    void* handle = nullptr;
    std::string tried;
    for (const std::string& c : candidates) {
      handle = ::dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle != nullptr)
        break;
      tried += (tried.empty() ? "" : ", ") + c;
    }
    if (handle == nullptr) {
      out.error = "cannot load the DuckDB library (tried " + tried +
                  "); set FLOE_DUCKDB_LIBRARY to the path of libduckdb.so 1.4";
      return out;
    }
#define FLOE_DUCKDB_FN(name)                                                       \
  out.api.name = reinterpret_cast<decltype(out.api.name)>(::dlsym(handle, #name)); \
  if (out.api.name == nullptr && out.error.empty())                                \
    out.error = "libduckdb.so lacks " #name;
#include "floe/sql/duckdb_functions.def"
#undef FLOE_DUCKDB_FN
    return out;
  }();
  return kLoaded;
}

const DuckApi& Api() {
  return Load().api;
}

// Microseconds since the epoch as DuckDB prints a UTC timestamptz: 2024-01-02 03:04:05.5+00.
std::string UtcText(int64_t micros) {
  int64_t secs = micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
  auto frac = static_cast<long>(micros - secs * 1000000);
  auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06ld", frac);
    out += buf;
    while (out.back() == '0')
      out.pop_back();
  }
  return out + "+00";
}

}  // namespace

// Owns one DuckDB handle that the C API closes through a pointer to it (duckdb_close and
// duckdb_disconnect take `T*`). Neither copied nor moved.
template <class T, void (*const DuckApi::*Close)(T*)>
struct Owned {
  T handle{};
  Owned() = default;
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  Owned(Owned&&) = delete;
  Owned& operator=(Owned&&) = delete;
  ~Owned() {
    if (handle != nullptr)
      (Api().*Close)(&handle);
  }
};

struct DuckDatabase::Impl {
  Owned<duckdb_database, &DuckApi::duckdb_close> db;
};

struct DuckConnection::Impl {
  Owned<duckdb_connection, &DuckApi::duckdb_disconnect> con;
};

namespace {

// Owns a duckdb_result: duckdb_destroy_result must run even when the query failed.
class ResultGuard {
 public:
  ResultGuard() = default;
  ResultGuard(const ResultGuard&) = delete;
  ResultGuard& operator=(const ResultGuard&) = delete;
  ResultGuard(ResultGuard&&) = delete;
  ResultGuard& operator=(ResultGuard&&) = delete;
  ~ResultGuard() { Api().duckdb_destroy_result(&raw_); }
  duckdb_result* get() { return &raw_; }

 private:
  duckdb_result raw_{};
};

// DuckDB's name of a result column's type (the logical type's id; parameters such as a
// DECIMAL's width are not part of it).
std::string TypeName(duckdb_type t) {
  switch (t) {
    case DUCKDB_TYPE_BOOLEAN:
      return "BOOLEAN";
    case DUCKDB_TYPE_TINYINT:
      return "TINYINT";
    case DUCKDB_TYPE_SMALLINT:
      return "SMALLINT";
    case DUCKDB_TYPE_INTEGER:
      return "INTEGER";
    case DUCKDB_TYPE_BIGINT:
      return "BIGINT";
    case DUCKDB_TYPE_UTINYINT:
      return "UTINYINT";
    case DUCKDB_TYPE_USMALLINT:
      return "USMALLINT";
    case DUCKDB_TYPE_UINTEGER:
      return "UINTEGER";
    case DUCKDB_TYPE_UBIGINT:
      return "UBIGINT";
    case DUCKDB_TYPE_HUGEINT:
      return "HUGEINT";
    case DUCKDB_TYPE_UHUGEINT:
      return "UHUGEINT";
    case DUCKDB_TYPE_FLOAT:
      return "FLOAT";
    case DUCKDB_TYPE_DOUBLE:
      return "DOUBLE";
    case DUCKDB_TYPE_DECIMAL:
      return "DECIMAL";
    case DUCKDB_TYPE_DATE:
      return "DATE";
    case DUCKDB_TYPE_TIME:
      return "TIME";
    case DUCKDB_TYPE_TIMESTAMP:
      return "TIMESTAMP";
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return "TIMESTAMP WITH TIME ZONE";
    case DUCKDB_TYPE_INTERVAL:
      return "INTERVAL";
    case DUCKDB_TYPE_VARCHAR:
      return "VARCHAR";
    case DUCKDB_TYPE_BLOB:
      return "BLOB";
    case DUCKDB_TYPE_UUID:
      return "UUID";
    case DUCKDB_TYPE_LIST:
      return "LIST";
    case DUCKDB_TYPE_STRUCT:
      return "STRUCT";
    case DUCKDB_TYPE_MAP:
      return "MAP";
    case DUCKDB_TYPE_ENUM:
      return "ENUM";
    default:
      return "UNKNOWN";
  }
}

}  // namespace

DuckDatabase::DuckDatabase(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DuckDatabase::~DuckDatabase() = default;

std::unique_ptr<DuckDatabase> DuckDatabase::Open(const std::string& path, std::string* error) {
  if (!Load().error.empty()) {
    if (error != nullptr)
      *error = Load().error;
    return nullptr;
  }
  auto impl = std::make_unique<Impl>();
  char* open_error = nullptr;
  const char* location = path.empty() || path == ":memory:" ? nullptr : path.c_str();
  if (Api().duckdb_open_ext(location, &impl->db.handle, nullptr, &open_error) != DuckDBSuccess) {
    if (error != nullptr)
      *error = open_error != nullptr ? open_error : "cannot open the database";
    if (open_error != nullptr)
      Api().duckdb_free(open_error);
    return nullptr;
  }
  return std::unique_ptr<DuckDatabase>(new DuckDatabase(std::move(impl)));
}

std::unique_ptr<plugins::ComputeConnection> DuckDatabase::Connect(std::string* error) {
  return ConnectDuck(error);
}

std::unique_ptr<DuckConnection> DuckDatabase::ConnectDuck(std::string* error) {
  auto impl = std::make_unique<DuckConnection::Impl>();
  if (Api().duckdb_connect(impl_->db.handle, &impl->con.handle) != DuckDBSuccess) {
    if (error != nullptr)
      *error = "cannot connect to the database";
    return nullptr;
  }
  return std::unique_ptr<DuckConnection>(new DuckConnection(std::move(impl)));
}

std::string DuckDatabase::LibraryVersion() {
  return Load().error.empty() ? Api().duckdb_library_version() : std::string();
}

DuckConnection::DuckConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DuckConnection::~DuckConnection() = default;

bool DuckConnection::Query(const std::string& sql, QueryResult* result, std::string* error) {
  ResultGuard guard;
  if (Api().duckdb_query(impl_->con.handle, sql.c_str(), guard.get()) != DuckDBSuccess) {
    if (error != nullptr) {
      const char* message = Api().duckdb_result_error(guard.get());
      *error = message != nullptr ? message : "query failed";
    }
    return false;
  }
  if (result == nullptr)
    return true;
  result->columns.clear();
  result->types.clear();
  result->rows.clear();
  idx_t columns = Api().duckdb_column_count(guard.get());
  for (idx_t c = 0; c < columns; ++c) {
    result->columns.emplace_back(Api().duckdb_column_name(guard.get(), c));
    result->types.emplace_back(TypeName(Api().duckdb_column_type(guard.get(), c)));
  }
  result->rows_affected = static_cast<int64_t>(Api().duckdb_rows_changed(guard.get()));
  // Values as text through DuckDB's own casts. These accessors are deprecated in favour of the
  // chunk API, which later typed readers use; for text results they are exact.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  idx_t rows = Api().duckdb_row_count(guard.get());
  result->rows.reserve(rows);
  // The deprecated text accessor gives nothing for TIMESTAMP WITH TIME ZONE: those cells are
  // printed from their instant (microseconds in the column's data), in UTC.
  std::vector<bool> zoned(columns);
  for (idx_t c = 0; c < columns; ++c)
    zoned[c] = Api().duckdb_column_type(guard.get(), c) == DUCKDB_TYPE_TIMESTAMP_TZ;
  for (idx_t r = 0; r < rows; ++r) {
    auto& row = result->rows.emplace_back(columns);
    for (idx_t c = 0; c < columns; ++c) {
      if (Api().duckdb_value_is_null(guard.get(), c, r))
        continue;
      if (zoned[c]) {
        row[c] = UtcText(static_cast<const int64_t*>(Api().duckdb_column_data(guard.get(), c))[r]);
        continue;
      }
      char* text = Api().duckdb_value_varchar(guard.get(), c, r);
      row[c] = text != nullptr ? std::string(text) : std::string();
      if (text != nullptr)
        Api().duckdb_free(text);
    }
  }
#pragma GCC diagnostic pop
  return true;
}

void DuckConnection::Interrupt() {
  Api().duckdb_interrupt(impl_->con.handle);
}

}  // namespace floe::sql
