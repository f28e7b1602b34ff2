#include "floe/config/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "floe/config/documents.h"

namespace floe::config {
namespace {

struct Checked {
  Document doc;
  Diagnostics diagnostics;
};

void Check(Checked& run, const std::string& text, const Schema& schema,
           std::vector<std::string> forbidden = {}) {
  run.doc.path = "f.yaml";
  ASSERT_TRUE(ParseYaml(text, run.doc, run.diagnostics));
  ValidationContext ctx{run.doc, run.diagnostics, std::move(forbidden), Code::kCredentialKey,
                        "hint"};
  Validate(run.doc.root, schema, Path{}, ctx);
}

std::vector<std::string> Codes(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const Diagnostic& x : d.items()) {
    out.push_back(CodeName(x.code) + "@" + std::to_string(x.location.line) + ":" +
                  std::to_string(x.location.column));
  }
  return out;
}

TEST(Schema, ReportsEveryProblemOfADocument) {
  auto schema = Object({Required("name", String()), Optional("level", Enum({"off", "warn"})),
                        Optional("count", Integer(1, 10))});
  Checked run;
  Check(run, "levl: warn\ncount: 11\nlevel: on\n", *schema);
  EXPECT_THAT(Codes(run.diagnostics), testing::ElementsAre("FLOE-C100@1:1", "FLOE-C105@2:8",
                                                           "FLOE-C103@3:8", "FLOE-C101@1:1"));
  EXPECT_EQ(run.diagnostics.items()[0].hint, "did you mean `level`?");
}

TEST(Schema, MaterializeFillsDefaultsInSchemaOrder) {
  auto schema = Object({Optional("a", Integer()->Default(1)), Optional("b", String()),
                        Optional("c", Boolean()->Default(true))});
  Checked run;
  Check(run, "b: x\n", *schema);
  EXPECT_EQ(Materialize(run.doc.root, *schema).dump(), R"({"a":1,"b":"x","c":true})");
}

TEST(Schema, ForbiddenKeysAreRejectedAtAnyDepthOfFreeFormContent) {
  auto schema = Object({Optional("labels", MapOf(String())), Optional("config", Any()),
                        Optional("schema", String())});
  Checked run;
  Check(run, "labels: {Token: x}\nconfig: {a: [{b: {PASSWORD: 1}}]}\nschema: declared\n", *schema,
        {"token", "password", "schema"});
  EXPECT_THAT(Codes(run.diagnostics), testing::ElementsAre("FLOE-C107@1:10", "FLOE-C107@2:19"));
}

TEST(Schema, KeyRulesExportAsIfThen) {
  auto schema =
      Object({Optional("scope", Enum({"enterprise", "domain"})), Optional("parent", String())})
          ->Rule({KeyRule::Kind::kRequireWhen,
                  "scope",
                  {"domain"},
                  "parent",
                  Code::kScopeDomainNeedsParent,
                  "needs parent",
                  ""});
  Json js = ToJsonSchema(*schema);
  EXPECT_EQ(js["allOf"][0]["if"]["properties"]["scope"]["enum"][0], "domain");
  EXPECT_EQ(js["allOf"][0]["then"]["required"][0], "parent");
  Checked run;
  Check(run, "scope: domain\n", *schema);
  EXPECT_THAT(Codes(run.diagnostics), testing::ElementsAre("FLOE-C002@1:1"));
}

TEST(Schema, UniqueNamesPointAtBothEntries) {
  auto schema = ListOf(Object({Required("name", String())}))->UniqueBy("name");
  Checked run;
  Check(run, "- name: a\n- name: b\n- name: a\n", *schema);
  ASSERT_EQ(run.diagnostics.items().size(), 1u);
  EXPECT_EQ(run.diagnostics.items()[0].code, Code::kDuplicateName);
  EXPECT_EQ(run.diagnostics.items()[0].notes[0].location.line, 1u);
}

TEST(Schema, EveryJsonSchemaCodeIsMarkedAndEveryManifestFieldDocumented) {
  auto manifest = ManifestSchema({});
  Json js = ToJsonSchema(*manifest);
  EXPECT_EQ(js["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(js["additionalProperties"], false);
  EXPECT_TRUE(js["properties"].contains("governance"));
}

}  // namespace
}  // namespace floe::config
