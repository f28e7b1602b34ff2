#pragma once
// A parsed configuration document: a tree of maps, lists and scalars in which every node and
// every key keeps its position in the source file, so that any rule can point at the line to fix.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "floe/base/diagnostic.h"

namespace floe {

struct Mark {
  uint32_t line = 0;  // 1-based
  uint32_t column = 0;
};

class Node {
 public:
  enum class Kind : uint8_t { kNull, kBool, kInt, kFloat, kString, kList, kMap };
  struct Entry;

  Kind kind = Kind::kNull;
  /// A scalar written without quotes (readers with YAML 1.1 rules, as PyYAML's for dbt
  /// projects, resolve some plain strings differently: `yes` is a boolean there).
  bool plain = false;
  Mark mark;
  /// Scalar text as written (without quotes); for kString the string value.
  std::string text;
  std::vector<Node> items;     // kList
  std::vector<Entry> entries;  // kMap, in source order (duplicates are rejected at load)

  bool is_map() const { return kind == Kind::kMap; }
  bool is_list() const { return kind == Kind::kList; }
  bool is_scalar() const { return kind != Kind::kMap && kind != Kind::kList; }
  bool is_null() const { return kind == Kind::kNull; }

  /// The value of `key` in a map, or nullptr.
  const Node* Find(std::string_view key) const;
  const Entry* FindEntry(std::string_view key) const;
  /// The string value of `key`, or `fallback` when absent or not a string.
  std::string GetString(std::string_view key, std::string_view fallback = {}) const;

  /// "a string", "a list", … for messages.
  static std::string_view KindName(Kind kind);
};

struct Node::Entry {
  std::string key;
  Mark key_mark;
  Node value;
};

/// A loaded YAML file: its path as the user named it (used in diagnostics) and its root node.
struct Document {
  std::string path;
  std::string text;
  Node root;

  Location At(Mark mark) const { return {path, mark.line, mark.column}; }
};

/// Parses YAML text (YAML 1.2 core schema: plain scalars become null, bool, int or float; quoted
/// ones stay strings). Syntax errors and duplicate keys go to `diagnostics`; returns false then.
bool ParseYaml(std::string_view text, Document& document, Diagnostics& diagnostics);

/// Reads and parses a file; missing or unreadable files are diagnostics (exit 3 or 4).
bool LoadYamlFile(const std::string& path, Document& document, Diagnostics& diagnostics);

}  // namespace floe
