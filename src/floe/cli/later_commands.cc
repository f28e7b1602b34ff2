// Command groups whose commands arrive with later issues. Each says which issue brings it and
// exits 1, so nothing pretends to work.

#include "floe/cli/context.h"

namespace floe::cli {

void AddLaterCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* dbt =
      app.add_subcommand("dbt", "run dbt projects natively: parse, compile, run, test, build, …");
  dbt->require_subcommand(1);
  // What `dbt --version` prints, for tools that read the dbt version they drive (dagster-dbt).
  dbt->set_version_flag("--version", std::string("Core:\n  - installed: 1.11.16 (floe ") +
                                         FLOE_VERSION +
                                         ", natively)\n\nPlugins:\n  - duckdb: "
                                         "1.11.1 (floe)\n  - postgres: 1.11.0 (floe)");
  AddDbtCommands(*dbt, ctx);

  CLI::App* catalog =
      app.add_subcommand("catalog", "floe's Iceberg REST catalog: serve and administer it");
  catalog->require_subcommand(1);
  for (const char* name : {"serve", "namespaces", "tables", "grant", "principals"}) {
    AddUnavailable(*catalog, ctx, name, std::string("catalog ") + name,
                   "issue #6 (Iceberg REST catalog)");
  }

  CLI::App* table = app.add_subcommand("table", "Iceberg tables: history, scans and maintenance");
  table->require_subcommand(1);
  for (const char* name : {"history", "scan", "expire-snapshots", "remove-orphans", "compact",
                           "rewrite-manifests", "rollback"}) {
    AddUnavailable(*table, ctx, name, std::string("table ") + name, "issue #5 (Iceberg tables)");
  }
}

}  // namespace floe::cli
