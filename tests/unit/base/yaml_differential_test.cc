// floe's YAML reader against yaml-cpp, the reference: for every document both accept, the trees
// (kinds, texts, structure) must be equal, and documents yaml-cpp rejects floe rejects too.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "floe/base/node.h"

namespace floe {
namespace {

// yaml-cpp's node in floe's terms (same core-schema typing of plain scalars).
std::string Describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "null";
    case YAML::NodeType::Scalar: {
      Document d;
      Diagnostics diags;
      // Re-type a plain scalar the way floe does by parsing it alone.
      if (n.Tag() != "?")
        return "str(" + n.Scalar() + ")";
      ParseYaml(n.Scalar().empty() ? "~" : "x: " + n.Scalar(), d, diags);
      const Node* v = d.root.is_map() ? d.root.Find("x") : &d.root;
      std::string kind = v == nullptr ? "?" : std::string(Node::KindName(v->kind));
      if (kind == "null")
        return "null";
      return kind + "(" + n.Scalar() + ")";
    }
    case YAML::NodeType::Sequence: {
      std::string out = "[";
      for (const auto& item : n)
        out += Describe(item) + ",";
      return out + "]";
    }
    case YAML::NodeType::Map: {
      std::string out = "{";
      for (const auto& kv : n)
        out += kv.first.Scalar() + ":" + Describe(kv.second) + ",";
      return out + "}";
    }
  }
  return "?";
}

std::string Describe(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kNull:
      return "null";
    case Node::Kind::kString:
      return "str(" + n.text + ")";
    case Node::Kind::kList: {
      std::string out = "[";
      for (const Node& item : n.items)
        out += Describe(item) + ",";
      return out + "]";
    }
    case Node::Kind::kMap: {
      std::string out = "{";
      for (const Node::Entry& e : n.entries)
        out += e.key + ":" + Describe(e.value) + ",";
      return out + "}";
    }
    default:
      return std::string(Node::KindName(n.kind)) + "(" + n.text + ")";
  }
}

// Plain scalars that floe types as strings are compared as strings on both sides.
std::string Normalize(std::string s) {
  size_t pos;
  while ((pos = s.find("a string(")) != std::string::npos)
    s.replace(pos, 9, "str(");
  return s;
}

void Compare(const std::string& text, const std::string& name) {
  Document doc;
  Diagnostics diags;
  bool ours = ParseYaml(text, doc, diags);
  YAML::Node ref;
  bool theirs = true;
  try {
    ref = YAML::Load(text);
  } catch (const YAML::Exception&) {
    theirs = false;
  }
  // YAML 1.2 forbids duplicate keys; yaml-cpp keeps them, floe reports them (FLOE-C013).
  bool only_duplicates = !ours && !diags.items().empty();
  for (const Diagnostic& d : diags.items())
    only_duplicates = only_duplicates && d.code == Code::kDuplicateKey;
  if (only_duplicates)
    return;
  if (!theirs) {
    EXPECT_FALSE(ours) << name << ": yaml-cpp rejects it, floe accepts:\n" << text;
    return;
  }
  ASSERT_TRUE(ours) << name << ": yaml-cpp accepts it, floe rejects: "
                    << (diags.items().empty() ? "" : RenderText(diags.items()[0])) << text;
  EXPECT_EQ(Normalize(Describe(doc.root)), Normalize(Describe(ref))) << name << ":\n" << text;
}

TEST(YamlDifferential, Snippets) {
  const char* snippets[] = {
      "a: 1\nb: two\nc: [x, 'y', \"z\"]\n",
      "list:\n- a\n- b\nnext: 1\n",
      "list:\n  - a\n  -   b\n  - - nested\n    - more\n",
      "- name: x\n  tags: [a, b]\n- name: y\n  deps:\n    - x\n",
      "key: value with spaces   # comment\nurl: http://host:8080/path\n",
      "folded: >\n  one\n  two\n\n  three\n    indented\n  four\nafter: 1\n",
      "literal: |\n  line 1\n    line 2\n\n  line 3\nkeep: |+\n  x\n\nstrip: |-\n  y\n\nlast: 1\n",
      "multi: this is\n  a plain value\n  over lines\nnext: ok\n",
      "q: \"esc \\t \\\" \\\\ \\u00e9 \\x41\"\ns: 'it''s'\n",
      "dq: \"one\n  two\n\n  three\"\n",
      "flow: {a: 1, b: [2, 3], 'c d': {e: null}}\nempty_map: {}\nempty_list: []\n",
      "flow_multi: [\n  a,\n  b,  # comment\n  c\n]\n",
      "anchors:\n  base: &b {x: 1, y: 2}\n  copy: *b\n",
      "nulls:\n  a:\n  b: ~\n  c: null\n  d: Null\n",
      "types: [1, -2, +3, 0x1F, 0o17, 1.5, -.5, 1e3, .inf, -.inf, .nan, true, False, yes, no, "
      "on]\n",
      "version: 1.0.0\nnum: 1.0\nstr: '1.0'\ndate: 2026-01-01\n",
      "---\na: 1\n...\n",
      "%YAML 1.2\n---\na: 1\n",
      "# only a comment\n",
      "",
      "scalar at top\n",
      "a:\n  b:\n    c:\n      d: deep\n  e: back\n",
      "k: |\n   three spaces\n   kept\n",
      "windows: yes\r\nline: ends\r\n",
      "colon_in_value: a:b\nhash_in_value: a#b\n",
      "key with spaces: 1\n\"quoted key\": 2\n'single': 3\n",
      "s: !!str 123\n",
      "a: [1, 2\n",
      "a: 1\n b: 2\n",
      "a:\n  - 1\n - 2\n",
      "a: b: c\n",
      "\ta: 1\n",
      "a: *missing\n",
      "a: \"bad \\q escape\"\n",
  };
  int i = 0;
  for (const char* s : snippets)
    Compare(s, "snippet " + std::to_string(i++));
}

// Invalid YAML that yaml-cpp 0.7 lets through; floe rejects it, as PyYAML does.
TEST(YamlDifferential, StricterThanYamlCppWherePyYamlAgrees) {
  for (const char* s : {"a: 'unterminated\n", "- a\nb: 1\n", "a: {b: 1,, c: 2}\n", "[a, b]: c\n"}) {
    Document doc;
    Diagnostics diags;
    EXPECT_FALSE(ParseYaml(s, doc, diags)) << s;
    EXPECT_EQ(diags.items().at(0).code, Code::kYamlSyntax);
  }
}

TEST(YamlDifferential, EveryYamlFileOfTheRepository) {
  const char* root = FLOE_SOURCE_DIR;
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    std::string path = entry.path().string();
    if (path.find("/build") != std::string::npos || path.find("/.git/") != std::string::npos)
      continue;
    if (entry.path().extension() != ".yaml" && entry.path().extension() != ".yml")
      continue;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find("<<") != std::string::npos)
      continue;  // merge keys: yaml-cpp lacks them
    Compare(text.str(), path);
    ++files;
  }
  EXPECT_GT(files, 3);
}

TEST(YamlMerge, MergeKeysCopyMissingKeys) {
  Document doc;
  Diagnostics diags;
  ASSERT_TRUE(ParseYaml("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n", doc, diags));
  EXPECT_EQ(Describe(*doc.root.Find("use")), "{y:an integer(3),x:an integer(1),}");
}

}  // namespace
}  // namespace floe
