#pragma once
// What every command shares: output settings, the plugin registry (built on first use, so that
// `floe --version` stays instant) and the way diagnostics and messages are printed.

#include <map>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "floe/base/diagnostic.h"
#include "floe/plugins/registry.h"

namespace floe::cli {

struct CommandContext {
  std::string log_format = "text";  // text | json
  bool quiet = false;
  bool verbose = false;
  int exit_code = 0;
  /// "floe dbt run" -> the issue that brings it (commands registered with AddUnavailable).
  std::map<std::string, std::string> unavailable;

  const plugins::PluginRegistry& registry();

  /// Prints diagnostics to stderr (text or JSON lines) and records the exit code they imply.
  void Report(Diagnostics& diagnostics);
  /// A progress or result line on stdout (suppressed by --quiet; JSON under --log-format json).
  void Info(const std::string& message) const;
  /// A one-off error without a file (usage problems, unavailable commands).
  void Fail(Code code, const std::string& message, const std::string& hint = {});

  /// Keeps a large structure alive until the process exits instead of freeing it node by node:
  /// a one-shot command ends right after, and for a 10,000-model product the frees cost a fifth
  /// of the run (clang skips freeing its AST for the same reason). Sanitizer builds free it, so
  /// leak checks stay exact.
  template <class T>
  void DisposeAtExit(T value) {
#ifdef FLOE_FREE_AT_EXIT
    (void)value;
#else
    new T(std::move(value));  // NOLINT(cppcoreguidelines-owning-memory): never freed on purpose
#endif
  }

 private:
  std::unique_ptr<plugins::PluginRegistry> registry_;
};

/// Registers floe's built-in plugins (an explicit list, no static registration).
void RegisterBuiltinPlugins(plugins::PluginRegistry& registry, Diagnostics& diagnostics);

// One function per command group: declares the flags and the callback.
void AddPlatformCommands(CLI::App& app, CommandContext& ctx);
void AddDataCommands(CLI::App& app, CommandContext& ctx);
void AddToolCommands(CLI::App& app, CommandContext& ctx);   // plugins, schema
void AddLaterCommands(CLI::App& app, CommandContext& ctx);  // dbt, catalog, table
void AddDbtCommands(CLI::App& dbt, CommandContext& ctx);    // dbt parse, compile, ls

/// A command that a later issue implements: says so and fails (exit 1), never pretends.
void AddUnavailable(CLI::App& parent, CommandContext& ctx, const std::string& name,
                    const std::string& summary, const std::string& issue);

}  // namespace floe::cli
