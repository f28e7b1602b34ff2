#include "floe/cli/context.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "floe/catalog/catalog_plugins.h"
#include "floe/sql/compute_plugins.h"
#include "floe/storage/storage_plugins.h"

namespace floe::cli {

void RegisterBuiltinPlugins(plugins::PluginRegistry& registry, Diagnostics& diagnostics) {
  registry.Register(sql::MakeDuckDbCompute(), diagnostics);
  registry.Register(sql::MakePostgresCompute(), diagnostics);
  registry.Register(storage::MakeLocalStorage(), diagnostics);
  registry.Register(storage::MakeS3Storage(), diagnostics);
  registry.Register(catalog::MakeFloeCatalog(), diagnostics);
  registry.Register(catalog::MakeRestCatalog(), diagnostics);
}

const plugins::PluginRegistry& CommandContext::registry() {
  if (!registry_) {
    registry_ = std::make_unique<plugins::PluginRegistry>();
    Diagnostics diagnostics;
    RegisterBuiltinPlugins(*registry_, diagnostics);
    if (!diagnostics.empty())
      Report(diagnostics);
  }
  return *registry_;
}

void CommandContext::Report(Diagnostics& diagnostics) {
  diagnostics.Deduplicate();
  diagnostics.SortByLocation();
  for (const Diagnostic& d : diagnostics.items()) {
    if (log_format == "json") {
      std::cerr << RenderJson(d) << '\n';
    } else {
      std::cerr << RenderText(d);
    }
  }
  if (log_format != "json" && (diagnostics.error_count() > 0 || diagnostics.warning_count() > 0)) {
    auto plural = [](size_t n, const char* word) {
      return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
    };
    std::cerr << plural(diagnostics.error_count(), "error") << ", "
              << plural(diagnostics.warning_count(), "warning") << '\n';
  }
  int code = diagnostics.ExitCode();
  if (code != 0 && exit_code == 0)
    exit_code = code;
}

void CommandContext::Info(const std::string& message) const {
  if (quiet)
    return;
  if (log_format == "json") {
    std::cout << nlohmann::json{{"level", "info"}, {"message", message}}.dump() << '\n';
  } else {
    std::cout << message << '\n';
  }
}

void CommandContext::Fail(Code code, const std::string& message, const std::string& hint) {
  Diagnostics diagnostics;
  diagnostics.Error(code, {}, message, hint);
  Report(diagnostics);
}

void AddUnavailable(CLI::App& parent, CommandContext& ctx, const std::string& name,
                    const std::string& summary, const std::string& issue) {
  CLI::App* cmd = parent.add_subcommand(name, summary + " [arrives with " + issue + "]");
  cmd->allow_extras();
  std::string full = parent.get_name() == "floe" ? name : parent.get_name() + " " + name;
  ctx.unavailable["floe " + full] = issue;
  cmd->callback([&ctx, full, issue] {
    ctx.Fail(Code::kNotImplemented, "`floe " + full + "` is not available in this build yet",
             "it arrives with " + issue);
  });
}

}  // namespace floe::cli
