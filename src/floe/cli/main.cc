// floe: one binary for the platform team and the data team. Wiring only: flags to library calls.

#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "floe/cli/context.h"

#ifdef FLOE_JEMALLOC
// jemalloc's settings, read when it starts: transparent huge pages for its memory (the kernel
// then zeroes 2 MiB per page fault instead of 4 KiB; zeroing is a third of a large parse).
extern "C" {
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): the name jemalloc reads
const char* malloc_conf = "thp:always,metadata_thp:always";
}
#endif

namespace {

// Invoked through a link named `dbt`: the arguments of `floe dbt …`, dbt's global flags (which
// dbt takes before the command too) moved after the command word.
std::vector<std::string> AsDbtCommand(int argc, char** argv) {
  std::vector<std::string> in(argv, argv + argc);
  std::vector<std::string> out = {in[0], "dbt"};
  static const std::set<std::string> kWithValue = {
      "--log-format",  "--log-level",       "--log-path",       "--profiles-dir", "--project-dir",
      "--target-path", "--log-format-file", "--log-level-file", "--printer-width"};
  std::vector<std::string> globals;
  size_t i = 1;
  for (; i < in.size() && in[i].rfind('-', 0) == 0; ++i) {
    globals.push_back(in[i]);
    if (kWithValue.count(in[i]) != 0 && i + 1 < in.size())
      globals.push_back(in[++i]);
  }
  if (i < in.size())
    out.push_back(in[i++]);
  out.insert(out.end(), globals.begin(), globals.end());
  out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(i), in.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  std::vector<std::string> dbt_args;
  std::vector<char*> dbt_argv;
  if (argc > 0 && std::filesystem::path(argv[0]).filename() == "dbt") {
    dbt_args = AsDbtCommand(argc, argv);
    for (std::string& a : dbt_args)
      dbt_argv.push_back(a.data());
    argc = static_cast<int>(dbt_argv.size());
    argv = dbt_argv.data();
  }
  floe::cli::CommandContext ctx;
  CLI::App app{
      "floe: build internal data platforms (manifest.yaml) and run data products (floe.yaml)",
      "floe"};
  app.set_version_flag("--version", std::string("floe ") + FLOE_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--log-format", ctx.log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("-q,--quiet", ctx.quiet, "print only problems");
  app.add_flag("-v,--verbose", ctx.verbose, "print more detail");

  floe::cli::AddPlatformCommands(app, ctx);
  floe::cli::AddDataCommands(app, ctx);
  floe::cli::AddToolCommands(app, ctx);
  floe::cli::AddLaterCommands(app, ctx);

  // An unknown command word gets a suggestion instead of CLI11's "a subcommand is required".
  const CLI::App* level = &app;
  std::string path = "floe";
  for (int i = 1; i < argc && argv[i][0] != '-'; ++i) {
    auto subcommands = level->get_subcommands([](const CLI::App*) { return true; });
    if (subcommands.empty())
      break;
    const CLI::App* next = nullptr;
    std::vector<std::string> names;
    for (const CLI::App* sub : subcommands) {
      names.push_back(sub->get_name());
      if (sub->get_name() == argv[i])
        next = sub;
    }
    if (next == nullptr) {
      std::vector<std::string> close = floe::ClosestMatches(argv[i], names);
      ctx.Fail(floe::Code::kUsage, "unknown command `" + path + " " + argv[i] + "`",
               (close.empty() ? "" : "did you mean `" + path + " " + close.front() + "`? ") +
                   "see `" + path + " --help`");
      return 2;
    }
    level = next;
    path += " " + next->get_name();
    if (auto later = ctx.unavailable.find(path); later != ctx.unavailable.end()) {
      // Whatever flags follow, the answer is the same.
      ctx.Fail(floe::Code::kNotImplemented, "`" + path + "` is not available in this build yet",
               "it arrives with " + later->second);
      return 1;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Usage problems in floe's own format (exit 2), naming the help to read.
    std::string command = "floe";
    for (const CLI::App* sub = &app; sub != nullptr;) {
      auto chosen = sub->get_subcommands();
      sub = chosen.empty() ? nullptr : chosen.front();
      if (sub != nullptr)
        command += " " + sub->get_name();
    }
    ctx.Fail(floe::Code::kUsage, e.what(), "see `" + command + " --help`");
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "floe: error FLOE-E002: internal error: " << e.what()
              << "\n  hint: this is a bug in floe; please report it with the command you ran\n";
    return 1;
  }
  return ctx.exit_code;
} catch (const std::exception& e) {
  std::cerr << "floe: error FLOE-E002: internal error: " << e.what()
            << "\n  hint: this is a bug in floe; please report it with the command you ran\n";
  return 1;
}
