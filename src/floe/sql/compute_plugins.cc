#include "floe/sql/compute_plugins.h"

namespace floe::sql {
namespace {

using config::Json;
using config::Optional;
using config::Required;

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
