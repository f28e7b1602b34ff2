// floe platform …: the platform team's commands.

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "floe/base/fs.h"
#include "floe/base/heap.h"
#include "floe/cli/context.h"
#include "floe/compile/artifacts.h"
#include "floe/compile/compiler.h"
#include "floe/config/checks.h"

namespace floe::cli {
namespace {

struct CompileFlags {
  std::string spec;
  std::string manifest;
  std::string output;
  std::string format = "json";
  std::string configmap_name = "floe-compiled-values";
  std::string namespace_name;
};

std::optional<int64_t> SourceDateEpoch() {
  const char* value = std::getenv("SOURCE_DATE_EPOCH");
  if (value == nullptr || *value == '\0')
    return std::nullopt;
  char* end = nullptr;
  long long seconds = std::strtoll(value, &end, 10);
  if (*end != '\0')
    return std::nullopt;
  return seconds;
}

void RunCompile(CommandContext& ctx, const CompileFlags& flags) {
  TuneHeapForOneShotCommand();
  compile::RenderOptions render;
  if (flags.format == "yaml")
    render.format = compile::OutputFormat::kYaml;
  if (flags.format == "configmap")
    render.format = compile::OutputFormat::kConfigMap;
  render.configmap_name = flags.configmap_name;
  render.namespace_name = flags.namespace_name;
  if (!config::IsK8sName(flags.configmap_name)) {
    return ctx.Fail(
        Code::kUsage,
        "--configmap-name `" + flags.configmap_name + "` is not a valid Kubernetes name",
        "use lowercase letters, digits, '-' and '.', at most 253 characters");
  }
  if (!flags.namespace_name.empty() && !config::IsDnsLabel(flags.namespace_name)) {
    return ctx.Fail(
        Code::kUsage,
        "--namespace `" + flags.namespace_name + "` is not a valid Kubernetes namespace",
        "use lowercase letters, digits and '-', at most 63 characters");
  }
  compile::CompileOptions options{flags.spec, flags.manifest, SourceDateEpoch()};
  Diagnostics diagnostics;
  auto started = std::chrono::steady_clock::now();
  std::optional<compile::Json> artifacts;
  if (compile::CheckedProductPtr product = compile::Check(ctx.registry(), options, diagnostics)) {
    artifacts = compile::Build(ctx.registry(), *product, options);
    ctx.DisposeAtExit(std::move(product));
  }
  if (artifacts && ctx.verbose) {
    std::string chain;
    for (const auto& layer : (*artifacts)["inheritance_chain"]) {
      chain += (chain.empty() ? "" : " -> ") + layer["ref"].get<std::string>() + " (" +
               layer["scope"].get<std::string>() + ")";
    }
    std::string plugins;
    for (const auto& [category, selection] : (*artifacts)["plugins"].items()) {
      plugins += (plugins.empty() ? "" : ", ") + category + "=" +
                 selection["type"].get<std::string>() + " " +
                 selection["version"].get<std::string>();
    }
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
    std::fprintf(stderr, "chain: %s\nplugins: %s\ncompiled in %.1f ms\n", chain.c_str(),
                 plugins.c_str(), ms);
  }
  if (artifacts) {
    std::string output = flags.output;
    if (output.empty()) {
      output = flags.format == "json"   ? "target/compiled_artifacts.json"
               : flags.format == "yaml" ? "target/compiled_artifacts.yaml"
                                        : "target/floe-compiled-values.yaml";
    }
    std::string text = compile::Render(*artifacts, render);
    bool written = WriteFileAtomic(output, text, diagnostics);
    ctx.DisposeAtExit(std::move(text));
    if (written) {
      ctx.Report(diagnostics);
      ctx.Info("compiled " + (*artifacts)["metadata"]["product_name"].get<std::string>() + " " +
               (*artifacts)["metadata"]["product_version"].get<std::string>() + " against " +
               (*artifacts)["metadata"]["platform_name"].get<std::string>() + " " +
               (*artifacts)["metadata"]["platform_version"].get<std::string>() + " -> " + output);
      ctx.DisposeAtExit(std::move(*artifacts));
      return;
    }
  }
  ctx.Report(diagnostics);
}

}  // namespace

void AddPlatformCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* platform = app.add_subcommand(
      "platform", "platform team: compile, test, publish and promote the platform");
  platform->require_subcommand(1);

  auto flags = std::make_shared<CompileFlags>();
  CLI::App* compile = platform->add_subcommand(
      "compile",
      "compile floe.yaml against manifest.yaml (and its parents) into CompiledArtifacts");
  compile->add_option("-s,--spec", flags->spec, "the product's floe.yaml")->required();
  compile->add_option("-m,--manifest", flags->manifest,
                      "the platform manifest (default: floe.yaml's platform.manifest)");
  compile->add_option("-o,--output", flags->output,
                      "output file (default target/compiled_artifacts.json, .yaml, or "
                      "target/floe-compiled-values.yaml)");
  compile->add_option("--output-format", flags->format, "json, yaml or configmap")
      ->check(CLI::IsMember({"json", "yaml", "configmap"}));
  compile->add_option("--configmap-name", flags->configmap_name,
                      "ConfigMap name (configmap format)");
  compile->add_option("--namespace", flags->namespace_name,
                      "ConfigMap namespace (configmap format)");
  compile->callback([&ctx, flags] { RunCompile(ctx, *flags); });

  AddUnavailable(*platform, ctx, "test", "run the platform's policies against a product",
                 "issue #7 (governance)");
  for (const char* name : {"publish", "pull", "inspect", "verify", "keygen", "promote"}) {
    AddUnavailable(*platform, ctx, name, std::string("OCI registry: ") + name,
                   "issue #8 (OCI artifacts)");
  }
}

}  // namespace floe::cli
