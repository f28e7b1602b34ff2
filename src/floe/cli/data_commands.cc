// The data team's commands: init, validate, compile, run, test.

#include <filesystem>

#include "floe/base/fs.h"
#include "floe/base/heap.h"
#include "floe/cli/context.h"
#include "floe/compile/artifacts.h"
#include "floe/compile/compiler.h"
#include "floe/config/documents.h"
#include "floe/config/inheritance.h"

namespace floe::cli {
namespace {

struct ValidateFlags {
  std::vector<std::string> files;
  std::string manifest;
};

// The top-level `kind:` of a YAML file, read from its text without parsing it, to pick the
// checks; a file whose kind cannot be seen is judged as a product, so its problems show.
std::string PeekKind(const std::string& path) {
  Diagnostics ignored;
  std::string text;
  if (!ReadFile(path, text, ignored))
    return {};
  size_t pos = text.rfind("kind:", 0) == 0 ? 0 : text.find("\nkind:");
  if (pos == std::string::npos)
    return {};
  pos = text.find(':', pos) + 1;
  size_t end = text.find('\n', pos);
  std::string value = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  auto trim = [](std::string& s, const char* chars) {
    s.erase(0, s.find_first_not_of(chars));
    s.erase(s.find_last_not_of(chars) + 1);
  };
  trim(value, " \t\r");
  trim(value, "\"'");
  return value;
}

void ValidateOne(CommandContext& ctx, const std::string& path, const std::string& manifest,
                 Diagnostics& diagnostics) {
  if (path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0) {
    if (auto artifacts = compile::ReadCompiledArtifacts(path, diagnostics)) {
      ctx.Info("ok: " + path + " (compiled artifacts " +
               (*artifacts)["version"].get<std::string>() + ")");
    }
    return;
  }
  std::string kind = PeekKind(path);
  if (kind != config::kManifestKind && kind != config::kFloeSpecKind) {
    // No readable kind: judge the file by its name, so its problems are the right ones.
    std::string name = std::filesystem::path(path).filename().string();
    if (name.find("floe") == std::string::npos && name.find("manifest") != std::string::npos) {
      kind = config::kManifestKind;
    }
  }
  if (kind == config::kManifestKind) {
    config::Platform platform;
    if (config::LoadPlatform(path, *config::ManifestSchema(ctx.registry().Choices()), platform,
                             diagnostics)) {
      ctx.Info("ok: " + path + " (manifest " +
               platform.effective["metadata"]["name"].get<std::string>() + ", " +
               std::to_string(platform.chain.size()) + " in chain)");
    }
    return;
  }
  // A product (or a file of unknown kind, judged as a product so that its problems show).
  compile::CompileOptions options{path, manifest, 0};
  if (auto product = compile::Check(ctx.registry(), options, diagnostics)) {
    ctx.Info("ok: " + path + " (" + compile::Describe(*product) + ")");
    ctx.DisposeAtExit(std::move(product));
  }
}

}  // namespace

void AddDataCommands(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ValidateFlags>();
  CLI::App* validate = app.add_subcommand(
      "validate",
      "check floe.yaml (with its platform), manifest.yaml or compiled_artifacts.json files");
  validate->add_option("files", flags->files, "files to check (default: floe.yaml)");
  validate->add_option("-m,--manifest", flags->manifest,
                       "platform manifest for products (default: platform.manifest)");
  validate->callback([&ctx, flags] {
    TuneHeapForOneShotCommand();
    std::vector<std::string> files =
        flags->files.empty() ? std::vector<std::string>{"floe.yaml"} : flags->files;
    Diagnostics diagnostics;
    for (const std::string& file : files)
      ValidateOne(ctx, file, flags->manifest, diagnostics);
    ctx.Report(diagnostics);
  });

  AddUnavailable(app, ctx, "init", "scaffold a data product", "issue #10 (the data team's loop)");
  AddUnavailable(app, ctx, "compile", "compile the product: dbt, enforcement, artifacts",
                 "issue #10 (the data team's loop); `floe platform compile` works today");
  AddUnavailable(app, ctx, "run", "run the product's pipeline", "issue #10 (the data team's loop)");
  AddUnavailable(app, ctx, "test", "run the product's tests and quality gates",
                 "issue #10 (the data team's loop)");
}

}  // namespace floe::cli
