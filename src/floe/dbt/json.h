#pragma once
// JSON text of template values as Python's json.dumps writes it (dbt's tojson, manifest.json),
// and YAML text as PyYAML's safe_dump writes it (dbt's toyaml).

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "floe/base/json_text.h"
#include "floe/jinja/value.h"

namespace floe::dbt {

/// The JSON text of frozen lists and dicts already written, by identity: a manifest writes the
/// same shared configs, tags and docs for thousands of nodes. Frozen values never change, so
/// their text stays right while they live (one cache per writer, for one write).
using JsonCache = std::unordered_map<const void*, std::string>;

/// How a node dict's keys are written, by key list (Dict::shared_keys): each key's `"key":`
/// text, and a tag the writer gives it (which keys it skips or replaces).
struct KeysJson {
  std::vector<std::string> keys;
  std::vector<uint8_t> tags;
};
using KeysJsonCache = std::unordered_map<const void*, KeysJson>;

struct JsonStyle {
  int indent = 0;              // 0: one line with ", " and ": " separators (json.dumps default)
  bool sort_keys = false;      // keys in order (dicts keep insertion order otherwise)
  bool compact = false;        // "," and ":" without spaces
  JsonCache* cache = nullptr;  // texts of frozen values (top-level depth only), if given
};

/// Appends the JSON text of `v` to `out` (Undefined and None as null, host objects as str()).
void AppendJson(std::string& out, const jinja::Value& v, const JsonStyle& style, int depth = 0);
std::string ToJson(const jinja::Value& v, const JsonStyle& style = {});
/// JSON string literal with Python's ensure_ascii=False escaping.
using floe::AppendJsonString;

/// `yaml.safe_dump(v, sort_keys=sort_keys)`: block style, plain scalars where YAML 1.1 would
/// read them back as the same string, quoted otherwise.
std::string ToYaml(const jinja::Value& v, bool sort_keys = false);

}  // namespace floe::dbt
