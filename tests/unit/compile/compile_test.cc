#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "floe/base/fs.h"
#include "floe/cli/context.h"
#include "floe/compile/artifacts.h"
#include "floe/compile/compiler.h"

namespace floe::compile {
namespace {

std::string Example(const std::string& rel) {
  return std::string(FLOE_EXAMPLES_DIR) + "/" + rel;
}

class CompileTest : public testing::Test {
 protected:
  void SetUp() override {
    Diagnostics d;
    cli::RegisterBuiltinPlugins(registry_, d);
    ASSERT_FALSE(d.has_errors());
    dir_ = testing::TempDir() + "floe_compile_" + std::to_string(::getpid());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string CompileToText(OutputFormat format, int64_t epoch) {
    Diagnostics d;
    auto artifacts = Compile(registry_, {Example("orders/floe.yaml"), "", epoch}, d);
    EXPECT_TRUE(artifacts.has_value());
    for (const Diagnostic& x : d.items())
      ADD_FAILURE() << RenderText(x);
    RenderOptions options;
    options.format = format;
    return artifacts ? Render(*artifacts, options) : std::string();
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  plugins::PluginRegistry registry_;
  std::string dir_;
};

TEST_F(CompileTest, SameInputsAndEpochGiveTheSameBytes) {
  for (OutputFormat f : {OutputFormat::kJson, OutputFormat::kYaml, OutputFormat::kConfigMap}) {
    EXPECT_EQ(CompileToText(f, 1767225600), CompileToText(f, 1767225600));
  }
  std::string a = CompileToText(OutputFormat::kJson, 1767225600);
  std::string b = CompileToText(OutputFormat::kJson, 1767225601);
  EXPECT_NE(a, b);
  EXPECT_NE(a.find("\"compiled_at\": \"2026-01-01T00:00:00Z\""), std::string::npos);
}

TEST_F(CompileTest, TheSourceHashIgnoresFormattingButNotMeaning) {
  auto hash = [&](const std::string& manifest_text) {
    std::string manifest = Write("manifest.yaml", manifest_text);
    std::string spec =
        Write("floe.yaml",
              "apiVersion: floe.dev/v1\nkind: FloeSpec\nmetadata: {name: p, version: 1.0.0}\n"
              "transforms: [{name: a}]\n");
    Diagnostics d;
    auto artifacts = Compile(registry_, {spec, manifest, 0}, d);
    EXPECT_TRUE(artifacts.has_value());
    return artifacts ? (*artifacts)["metadata"]["source_hash"].get<std::string>() : std::string();
  };
  std::string base =
      "apiVersion: floe.dev/v1\nkind: Manifest\nmetadata: {name: m, version: 1.0.0, owner: o}\n"
      "plugins: {compute: {type: duckdb}}\n";
  std::string reformatted =
      "# a comment\nkind: Manifest\napiVersion: floe.dev/v1\nmetadata:\n  owner: o\n  name: m\n  "
      "version: 1.0.0\n"
      "plugins:\n  compute:\n    type: 'duckdb'\n";
  std::string changed = base + "governance: {data_retention_days: 7}\n";
  EXPECT_EQ(hash(base), hash(reformatted));
  EXPECT_NE(hash(base), hash(changed));
}

TEST_F(CompileTest, JsonOutputReadsBackAsTheSameDocument) {
  Diagnostics d;
  auto artifacts = Compile(registry_, {Example("orders/floe.yaml"), "", 0}, d);
  ASSERT_TRUE(artifacts.has_value());
  EXPECT_EQ(Json::parse(Render(*artifacts, {})), *artifacts);
}

TEST_F(CompileTest, YamlOutputReadsBackAsTheSameDocument) {
  std::string yaml = CompileToText(OutputFormat::kYaml, 0);
  std::string json = CompileToText(OutputFormat::kJson, 0);
  Document doc;
  Diagnostics d;
  ASSERT_TRUE(ParseYaml(yaml, doc, d));
  EXPECT_EQ(config::ToJson(doc.root).dump(), Json::parse(json).dump());
}

TEST_F(CompileTest, TheReaderAcceptsOlderMinorVersions) {
  // A 0.10.0 document as floe's Python reference wrote them (fields of that version only).
  std::string old = Write("old.json", R"({
    "version": "0.10.0",
    "metadata": {"compiled_at": "2026-01-01T00:00:00", "floe_version": "0.3.0",
                 "source_hash": "sha256:00", "product_name": "p", "product_version": "1.0.0"},
    "identity": {"product_id": "default.p", "domain": "default", "repository": "",
                 "namespace_registered": false, "registration_timestamp": null},
    "mode": "simple", "inheritance_chain": [],
    "observability": {"telemetry": {"enabled": true}, "lineage": true},
    "plugins": {"compute": {"type": "duckdb", "version": "0.0.0", "config": {}}},
    "transforms": {"models": [{"name": "a", "compute": "duckdb"}], "default_compute": "duckdb"},
    "dbt_profiles": {}, "governance": {}, "enforcement_result": null, "data_contracts": [], "quality_config": null})");
  Diagnostics d;
  EXPECT_TRUE(ReadCompiledArtifacts(old, d).has_value());
  for (const Diagnostic& x : d.items())
    ADD_FAILURE() << RenderText(x);
}

TEST_F(CompileTest, TheReaderRefusesNewerMinorAndOtherMajors) {
  for (const char* version : {"0.12.0", "1.0.0", "garbage"}) {
    std::string path = Write("new.json", std::string(R"({"version": ")") + version + R"("})");
    Diagnostics d;
    EXPECT_FALSE(ReadCompiledArtifacts(path, d).has_value());
    ASSERT_EQ(d.items().size(), 1u);
    EXPECT_EQ(d.items()[0].code, Code::kArtifactsVersion) << version;
  }
}

TEST_F(CompileTest, TheReaderReadsWhatTheCompilerWrites) {
  std::string path = Write("current.json", CompileToText(OutputFormat::kJson, 0));
  Diagnostics d;
  EXPECT_TRUE(ReadCompiledArtifacts(path, d).has_value());
  for (const Diagnostic& x : d.items())
    ADD_FAILURE() << RenderText(x);
}

TEST(Registry, RefusesDuplicatesAndListsInCategoryOrder) {
  plugins::PluginRegistry registry;
  Diagnostics d;
  cli::RegisterBuiltinPlugins(registry, d);
  ASSERT_FALSE(d.has_errors());
  cli::RegisterBuiltinPlugins(registry, d);
  EXPECT_EQ(d.error_count(), registry.List().size());
  EXPECT_EQ(d.items()[0].code, Code::kDuplicatePlugin);
  EXPECT_EQ(registry.List().front()->category, "compute");
}

}  // namespace
}  // namespace floe::compile
