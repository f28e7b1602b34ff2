// floe plugins …, floe schema …: what this floe offers, for people and for editors.

#include <iostream>

#include "floe/base/fs.h"
#include "floe/cli/context.h"
#include "floe/compile/artifacts.h"
#include "floe/config/documents.h"

namespace floe::cli {
namespace {

struct SchemaFile {
  std::string kind;
  std::string file;
  config::Json schema;
};

std::vector<SchemaFile> AllSchemas(CommandContext& ctx) {
  auto with_id = [](config::Json schema, const std::string& id, const std::string& title) {
    config::Json out = config::Json::object();
    out["$schema"] = schema["$schema"];
    out["$id"] = "https://floe.dev/schemas/" + id;
    out["title"] = title;
    for (auto& [k, v] : schema.items()) {
      if (k != "$schema")
        out[k] = v;
    }
    return out;
  };
  std::vector<SchemaFile> out;
  out.push_back({"manifest", "manifest.schema.json",
                 with_id(config::ToJsonSchema(*config::ManifestSchema(ctx.registry().Choices())),
                         "manifest.schema.json", "floe manifest.yaml")});
  out.push_back(
      {"floe", "floe.schema.json",
       with_id(config::ToJsonSchema(*config::FloeSpecSchema(), config::FloeSpecForbiddenKeys()),
               "floe.schema.json", "floe floe.yaml")});
  out.push_back({"compiled-artifacts", "compiled-artifacts.schema.json",
                 with_id(config::ToJsonSchema(*compile::CompiledArtifactsSchema()),
                         "compiled-artifacts.schema.json", "floe CompiledArtifacts")});
  return out;
}

}  // namespace

void AddToolCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* plugins = app.add_subcommand("plugins", "the plugins this floe offers");
  plugins->require_subcommand(1);
  auto plugin_format = std::make_shared<std::string>("text");
  CLI::App* list =
      plugins->add_subcommand("list", "category, name, version and capabilities of every plugin");
  list->add_option("--format", *plugin_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  list->callback([&ctx, plugin_format] {
    auto infos = ctx.registry().List();
    if (*plugin_format == "json") {
      config::Json out = config::Json::array();
      for (const plugins::PluginInfo* info : infos) {
        out.push_back({{"category", info->category},
                       {"name", info->name},
                       {"version", info->version},
                       {"capabilities", info->capabilities},
                       {"description", info->description}});
      }
      std::cout << out.dump(2) << '\n';
      return;
    }
    std::printf("%-18s %-10s %-8s %-14s %s\n", "CATEGORY", "NAME", "VERSION", "CAPABILITIES",
                "DESCRIPTION");
    for (const plugins::PluginInfo* info : infos) {
      std::string caps;
      for (const std::string& c : info->capabilities)
        caps += (caps.empty() ? "" : ",") + c;
      std::printf("%-18s %-10s %-8s %-14s %s\n", info->category.c_str(), info->name.c_str(),
                  info->version.c_str(), caps.c_str(), info->description.c_str());
    }
    std::vector<std::string> empty;
    for (const std::string& category : config::PluginCategories()) {
      bool any = false;
      for (const plugins::PluginInfo* info : infos)
        any = any || info->category == category;
      if (!any)
        empty.push_back(category);
    }
    if (!empty.empty()) {
      std::string line;
      for (const std::string& c : empty)
        line += (line.empty() ? "" : ", ") + c;
      std::printf("\nno plugin in this build yet for: %s\n", line.c_str());
    }
  });

  CLI::App* schema =
      app.add_subcommand("schema", "JSON Schemas of floe's files, for editors and CI");
  schema->require_subcommand(1);
  auto out_dir = std::make_shared<std::string>();
  auto kind = std::make_shared<std::string>("all");
  CLI::App* export_cmd = schema->add_subcommand("export",
                                                "write manifest.schema.json, floe.schema.json and "
                                                "compiled-artifacts.schema.json (draft 2020-12)");
  export_cmd->add_option("-o,--output-dir", *out_dir,
                         "folder to write into (default: print the one --kind)");
  export_cmd->add_option("--kind", *kind, "manifest, floe, compiled-artifacts or all")
      ->check(CLI::IsMember({"manifest", "floe", "compiled-artifacts", "all"}));
  export_cmd->callback([&ctx, out_dir, kind] {
    Diagnostics diagnostics;
    for (const SchemaFile& s : AllSchemas(ctx)) {
      if (*kind != "all" && *kind != s.kind)
        continue;
      std::string text = s.schema.dump(2) + "\n";
      if (out_dir->empty()) {
        if (*kind == "all") {
          return ctx.Fail(Code::kUsage, "`floe schema export` prints one schema at a time",
                          "name it with --kind, or write them all with --output-dir DIR");
        }
        std::cout << text;
      } else if (WriteFileAtomic(*out_dir + "/" + s.file, text, diagnostics)) {
        ctx.Info("wrote " + *out_dir + "/" + s.file);
      }
    }
    ctx.Report(diagnostics);
  });

  CLI::App* codes = schema->add_subcommand("codes", "every diagnostic code floe emits, as JSON");
  codes->callback([] {
    config::Json out = config::Json::array();
    for (const CodeInfo& info : AllCodes()) {
      out.push_back({{"code", CodeName(info.code)},
                     {"title", info.title},
                     {"exit_code", info.exit_code},
                     {"json_schema", info.json_schema}});
    }
    std::cout << out.dump(2) << '\n';
  });
}

}  // namespace floe::cli
