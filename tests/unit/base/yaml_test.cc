#include <gtest/gtest.h>

#include "floe/base/node.h"

namespace floe {
namespace {

Document Parse(const std::string& text, Diagnostics& diagnostics) {
  Document doc;
  doc.path = "t.yaml";
  ParseYaml(text, doc, diagnostics);
  return doc;
}

TEST(Yaml, PlainScalarsFollowTheCoreSchema) {
  Diagnostics d;
  Document doc =
      Parse("a: 1\nb: 1.5\nc: true\nd: ~\ne: yes\nf: '1'\ng: 1.0.0\nh: .inf\ni: 0x1F\n", d);
  ASSERT_FALSE(d.has_errors());
  const Node& r = doc.root;
  EXPECT_EQ(r.Find("a")->kind, Node::Kind::kInt);
  EXPECT_EQ(r.Find("b")->kind, Node::Kind::kFloat);
  EXPECT_EQ(r.Find("c")->kind, Node::Kind::kBool);
  EXPECT_EQ(r.Find("d")->kind, Node::Kind::kNull);
  EXPECT_EQ(r.Find("e")->kind, Node::Kind::kString);  // YAML 1.2: `yes` is a string
  EXPECT_EQ(r.Find("f")->kind, Node::Kind::kString);  // quoted stays a string
  EXPECT_EQ(r.Find("g")->kind, Node::Kind::kString);
  EXPECT_EQ(r.Find("h")->kind, Node::Kind::kFloat);
  EXPECT_EQ(r.Find("i")->kind, Node::Kind::kInt);
}

TEST(Yaml, KeysAndValuesKeepTheirPositions) {
  Diagnostics d;
  Document doc = Parse("top:\n  inner: [1, two]\n", d);
  const Node::Entry* inner = doc.root.Find("top")->FindEntry("inner");
  EXPECT_EQ(inner->key_mark.line, 2u);
  EXPECT_EQ(inner->key_mark.column, 3u);
  EXPECT_EQ(inner->value.items[1].mark.column, 14u);
}

TEST(Yaml, DuplicateKeysAreErrorsWithBothPlaces) {
  Diagnostics d;
  Parse("a: 1\nb: 2\na: 3\n", d);
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(d.items()[0].code, Code::kDuplicateKey);
  EXPECT_EQ(d.items()[0].location.line, 3u);
  EXPECT_EQ(d.items()[0].notes[0].location.line, 1u);
}

TEST(Yaml, SyntaxErrorsPointAtTheProblem) {
  Diagnostics d;
  Parse("a: [1, 2\nb: 3\n", d);
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.items()[0].code, Code::kYamlSyntax);
  EXPECT_GT(d.items()[0].location.line, 0u);
}

TEST(Yaml, AliasBombsAreBounded) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 0; i < 8; ++i) {
    text += "b" + std::to_string(i) + ": &b" + std::to_string(i) + " [";
    std::string prev = i == 0 ? "a" : "b" + std::to_string(i - 1);
    for (int j = 0; j < 10; ++j)
      text += (j ? ", *" : "*") + prev;
    text += "]\n";
  }
  Diagnostics d;
  Parse(text, d);
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.items()[0].code, Code::kYamlSyntax);
}

TEST(Yaml, DeepNestingIsBounded) {
  std::string text(200, '[');
  text += std::string(200, ']');
  Diagnostics d;
  Parse(text, d);
  ASSERT_TRUE(d.has_errors());
}

}  // namespace
}  // namespace floe
