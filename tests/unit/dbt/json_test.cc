#include "floe/dbt/json.h"

#include <gtest/gtest.h>

namespace floe::dbt {
namespace {

using jinja::Dict;
using jinja::List;
using jinja::Value;

// The escapes byte by byte, as the reference the fast path must equal.
std::string Reference(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c < 0x20) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

TEST(JsonString, EscapesAtEveryOffsetOfAWord) {
  // Each character JSON escapes, at every position of texts of 0 to 40 bytes, next to bytes that
  // are close to them in value (0x1f/0x20, '!'/'#', '['/']', UTF-8 bytes).
  const std::string specials = std::string("\"\\\n\r\t\b\f\x01\x1f", 9) + std::string(1, '\0');
  const std::string neighbours = " !#[]\x7f\xc3\xa9x";
  for (size_t len = 0; len <= 40; ++len) {
    for (size_t at = 0; at < len; ++at) {
      for (char special : specials) {
        std::string s;
        for (size_t i = 0; i < len; ++i)
          s += neighbours[(i * 7 + len) % neighbours.size()];
        s[at] = special;
        if (at + 3 < len)
          s[at + 3] = '"';
        std::string out = "prefix";
        AppendJsonString(out, s);
        ASSERT_EQ(out, "prefix" + Reference(s)) << "length " << len << ", at " << at;
      }
    }
  }
}

TEST(JsonCache, FrozenValuesAreWrittenOnceAndOthersEveryTime) {
  Dict d;
  d.Set(Value("tags"), Value(List{Value("a"), Value("b")}));
  Value frozen(std::move(d));
  frozen.Freeze();
  Value open(List{Value(1)});
  JsonCache cache;
  JsonStyle style;
  style.compact = true;
  style.cache = &cache;
  std::string out;
  AppendJson(out, frozen, style);
  AppendJson(out, frozen, style);
  AppendJson(out, open, style);
  open.as_list().push_back(Value(2));  // not frozen: written as it is now
  AppendJson(out, open, style);
  EXPECT_EQ(out, R"({"tags":["a","b"]}{"tags":["a","b"]}[1][1,2])");
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace floe::dbt
