#include "floe/sql/compute_plugins.h"

#include "floe/sql/duckdb.h"
#include "floe/sql/postgres.h"

namespace floe::sql {
namespace {

using config::Json;
using config::Optional;
using config::Required;

// A JSON scalar as SQL text: strings quoted, numbers and booleans as they are.
std::string SqlLiteral(const Json& v) {
  if (!v.is_string())
    return v.dump();
  std::string out = "'";
  for (char c : v.get<std::string>())
    out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string TextOf(const Json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

class DuckDbCompute : public plugins::ComputePlugin {
 public:
  DuckDbCompute() {
    info_ = {
        "compute",
        "duckdb",
        "1.4.4",
        "DuckDB, embedded in floe: no server to run",
        {"dbt-profile"},
        config::Object({
            Optional(
                "path",
                config::String()
                    ->Default("target/{product_slug}.duckdb")
                    ->Describe("database file, relative to the product; {product_slug} expands")),
            Optional("threads", config::Integer(1, 256)->Default(4)),
            Optional("memory_limit", config::String()->Describe("e.g. 2GB")),
            Optional("extensions", config::ListOf(config::String())),
            Optional("settings", config::MapOf(config::Any())),
        })};
  }
  const plugins::PluginInfo& info() const override { return info_; }

  Json DbtProfileOutput(const Json& config,
                        const plugins::ProductContext& /*product*/) const override {
    Json out = Json::object();
    out["type"] = "duckdb";
    out["path"] = config.at("path");
    out["threads"] = config.at("threads");
    Json settings = config.contains("settings") ? config.at("settings") : Json::object();
    if (config.contains("memory_limit"))
      settings["memory_limit"] = config.at("memory_limit");
    if (!settings.empty())
      out["settings"] = settings;
    if (config.contains("extensions"))
      out["extensions"] = config.at("extensions");
    return out;
  }

  // dbt-duckdb's target: `path` (default :memory:), `settings` (SET for the database),
  // `extensions` (LOADed: the built-in ones are parquet, json, icu).
  std::unique_ptr<plugins::ComputeDatabase> Open(const Json& target,
                                                 std::string* error) const override {
    std::string path = target.contains("path") ? TextOf(target.at("path")) : ":memory:";
    auto db = DuckDatabase::Open(path, error);
    if (!db)
      return nullptr;
    std::string setup;
    if (target.contains("settings") && target.at("settings").is_object()) {
      for (const auto& [key, value] : target.at("settings").items())
        setup += "SET GLOBAL " + key + " = " + SqlLiteral(value) + ";\n";
    }
    if (target.contains("extensions") && target.at("extensions").is_array()) {
      for (const Json& e : target.at("extensions")) {
        std::string name = e.is_string()                         ? e.get<std::string>()
                           : e.is_object() && e.contains("name") ? TextOf(e.at("name"))
                                                                 : "";
        if (!name.empty())
          setup += "LOAD " + name + ";\n";
      }
    }
    if (!setup.empty()) {
      auto con = db->ConnectDuck(error);
      if (!con || !con->Query(setup, nullptr, error))
        return nullptr;
    }
    return db;
  }

 private:
  plugins::PluginInfo info_;
};

class PostgresCompute : public plugins::ComputePlugin {
 public:
  PostgresCompute() {
    info_ = {"compute",
             "postgres",
             "15.0.0",
             "PostgreSQL server; the password comes from FLOE_POSTGRES_PASSWORD at run time",
             {"dbt-profile"},
             config::Object({
                 Required("host", config::String()),
                 Optional("port", config::Integer(1, 65535)->Default(5432)),
                 Required("dbname", config::String()),
                 Required("user", config::String()),
                 Optional("schema", config::String()->Default("public")),
                 Optional("sslmode", config::Enum({"disable", "allow", "prefer", "require",
                                                   "verify-ca", "verify-full"})
                                         ->Default("prefer")),
                 Optional("threads", config::Integer(1, 256)->Default(4)),
             })};
  }
  const plugins::PluginInfo& info() const override { return info_; }

  Json DbtProfileOutput(const Json& config,
                        const plugins::ProductContext& /*product*/) const override {
    Json out = Json::object();
    out["type"] = "postgres";
    for (const char* key : {"host", "port", "user"})
      out[key] = config.at(key);
    // Never a secret in the artifacts: dbt profiles resolve env_var() at run time.
    out["password"] = "{{ env_var('FLOE_POSTGRES_PASSWORD') }}";
    for (const char* key : {"dbname", "schema", "threads", "sslmode"})
      out[key] = config.at(key);
    return out;
  }

  // dbt-postgres's target: host, port, user, password (or pass), dbname, sslmode.
  std::unique_ptr<plugins::ComputeDatabase> Open(const Json& target,
                                                 std::string* error) const override {
    std::string conninfo;
    auto add = [&](const char* key, const char* field) {
      if (!target.contains(field) || target.at(field).is_null())
        return;
      std::string value = TextOf(target.at(field));
      std::string quoted;
      for (char c : value) {
        if (c == '\'' || c == '\\')
          quoted += '\\';
        quoted += c;
      }
      conninfo += std::string(conninfo.empty() ? "" : " ") + key + "='" + quoted + "'";
    };
    add("host", "host");
    add("port", "port");
    add("user", "user");
    add("password", target.contains("password") ? "password" : "pass");
    add("dbname", target.contains("dbname") ? "dbname" : "database");
    add("sslmode", "sslmode");
    add("connect_timeout", "connect_timeout");
    return OpenPostgres(conninfo, error);
  }

 private:
  plugins::PluginInfo info_;
};

}  // namespace

std::unique_ptr<plugins::ComputePlugin> MakeDuckDbCompute() {
  return std::make_unique<DuckDbCompute>();
}
std::unique_ptr<plugins::ComputePlugin> MakePostgresCompute() {
  return std::make_unique<PostgresCompute>();
}

}  // namespace floe::sql
