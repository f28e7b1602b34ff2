#include "floe/base/diagnostic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace floe {
namespace {

TEST(Diagnostic, CodeNamesArePrefixedAndPadded) {
  EXPECT_EQ(CodeName(Code::kUnknownKey), "FLOE-C100");
  EXPECT_EQ(CodeName(Code::kScopeEnterpriseHasParent), "FLOE-C001");
  EXPECT_EQ(CodeName(Code::kNotImplemented), "FLOE-E001");
}

TEST(Diagnostic, CodesAreUniqueAndTitled) {
  std::set<std::string> seen;
  for (const CodeInfo& info : AllCodes()) {
    EXPECT_TRUE(seen.insert(CodeName(info.code)).second) << CodeName(info.code);
    EXPECT_GE(info.title.size(), 8u) << CodeName(info.code);
  }
}

TEST(Diagnostic, RendersLocationMessageHintAndNotes) {
  Diagnostic d{Code::kUnknownKey, Severity::kError,    {"manifest.yaml", 12, 5},
               "unknown key `x`", "did you mean `y`?", {}};
  d.notes.push_back({{"parent.yaml", 3, 1}, "the parent sets it here"});
  EXPECT_EQ(RenderText(d),
            "manifest.yaml:12:5: error FLOE-C100: unknown key `x`\n"
            "  hint: did you mean `y`?\n"
            "  parent.yaml:3:1: note: the parent sets it here\n");
  EXPECT_EQ(
      RenderJson(d),
      R"({"severity":"error","code":"FLOE-C100","file":"manifest.yaml","line":12,"column":5,)"
      R"("message":"unknown key `x`","hint":"did you mean `y`?","notes":[{"file":"parent.yaml","line":3,)"
      R"("column":1,"message":"the parent sets it here"}]})");
}

TEST(Diagnostic, ExitCodePrefersFileProblemsOverValidation) {
  Diagnostics d;
  EXPECT_EQ(d.ExitCode(), 0);
  d.Warning(Code::kExpiredOverride, {}, "expired");
  EXPECT_EQ(d.ExitCode(), 0);
  d.Error(Code::kUnknownKey, {}, "unknown");
  EXPECT_EQ(d.ExitCode(), 5);
  d.Error(Code::kFileNotFound, {}, "missing");
  EXPECT_EQ(d.ExitCode(), 3);
}

TEST(Diagnostic, ClosestMatchesSuggestsNearNamesOnly) {
  std::vector<std::string> names = {"quality_gates", "naming", "policies"};
  EXPECT_THAT(ClosestMatches("quality_gate", names), testing::ElementsAre("quality_gates"));
  EXPECT_THAT(ClosestMatches("zzzzzzzz", names), testing::IsEmpty());
}

TEST(Diagnostic, QuotedListJoinsWithOr) {
  EXPECT_EQ(QuotedList({"a"}), "`a`");
  EXPECT_EQ(QuotedList({"a", "b", "c"}), "`a`, `b` or `c`");
}

}  // namespace
}  // namespace floe
