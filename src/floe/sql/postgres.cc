#include "floe/sql/postgres.h"

#include <libpq-fe.h>

#include <cstdlib>

namespace floe::sql {
namespace {

// The type names of the built-in OIDs (pg_type.oid); others are reported as their number.
std::string PgTypeName(Oid oid) {
  switch (oid) {
    case 16:
      return "BOOLEAN";
    case 20:
      return "BIGINT";
    case 21:
      return "SMALLINT";
    case 23:
      return "INTEGER";
    case 25:
      return "TEXT";
    case 700:
      return "REAL";
    case 701:
      return "DOUBLE PRECISION";
    case 1042:
      return "CHARACTER";
    case 1043:
      return "CHARACTER VARYING";
    case 1082:
      return "DATE";
    case 1083:
      return "TIME";
    case 1114:
      return "TIMESTAMP";
    case 1184:
      return "TIMESTAMP WITH TIME ZONE";
    case 1186:
      return "INTERVAL";
    case 1700:
      return "NUMERIC";
    case 2950:
      return "UUID";
    case 114:
      return "JSON";
    case 3802:
      return "JSONB";
    default:
      return "OID " + std::to_string(oid);
  }
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;

ConnPtr ConnectOrError(const std::string& conninfo, std::string* error) {
  ConnPtr conn(PQconnectdb(conninfo.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    if (error != nullptr) {
      std::string message = conn ? PQerrorMessage(conn.get()) : "out of memory";
      while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
      *error = "cannot connect to PostgreSQL: " + message;
    }
    return nullptr;
  }
  // Notices (e.g. "table does not exist, skipping") are not errors: keep them off stderr.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

class PgConnection : public plugins::ComputeConnection {
 public:
  explicit PgConnection(ConnPtr conn) : conn_(std::move(conn)) {}

  bool Query(const std::string& sql, plugins::QueryResult* result, std::string* error) override {
    // Several statements in one text: libpq returns the last result, and stops at the first
    // failing one.
    ResultPtr r(PQexec(conn_.get(), sql.c_str()));
    ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
      if (error != nullptr) {
        std::string message = r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_.get());
        while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
          message.pop_back();
        *error = message.empty() ? "query failed" : message;
      }
      return false;
    }
    if (result == nullptr)
      return true;
    result->columns.clear();
    result->types.clear();
    result->rows.clear();
    int fields = PQnfields(r.get());
    for (int c = 0; c < fields; ++c) {
      result->columns.emplace_back(PQfname(r.get(), c));
      result->types.push_back(PgTypeName(PQftype(r.get(), c)));
    }
    int rows = PQntuples(r.get());
    result->rows.reserve(static_cast<size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      auto& row = result->rows.emplace_back(static_cast<size_t>(fields));
      for (int c = 0; c < fields; ++c) {
        if (!PQgetisnull(r.get(), i, c))
          row[static_cast<size_t>(c)] = std::string(PQgetvalue(r.get(), i, c));
      }
    }
    const char* tuples = PQcmdTuples(r.get());
    result->rows_affected = tuples != nullptr && *tuples != '\0' ? std::atoll(tuples) : -1;
    result->status = PQcmdStatus(r.get());
    return true;
  }

  void Interrupt() override {
    PGcancel* cancel = PQgetCancel(conn_.get());
    if (cancel == nullptr)
      return;
    char buf[256];
    PQcancel(cancel, buf, sizeof buf);
    PQfreeCancel(cancel);
  }

 private:
  ConnPtr conn_;
};

class PgDatabase : public plugins::ComputeDatabase {
 public:
  explicit PgDatabase(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  std::unique_ptr<plugins::ComputeConnection> Connect(std::string* error) override {
    ConnPtr conn = ConnectOrError(conninfo_, error);
    if (!conn)
      return nullptr;
    return std::make_unique<PgConnection>(std::move(conn));
  }

 private:
  std::string conninfo_;
};

}  // namespace

std::unique_ptr<plugins::ComputeDatabase> OpenPostgres(const std::string& conninfo,
                                                       std::string* error) {
  if (!ConnectOrError(conninfo, error))
    return nullptr;
  return std::make_unique<PgDatabase>(conninfo);
}

}  // namespace floe::sql
