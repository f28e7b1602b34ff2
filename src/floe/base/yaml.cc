// YAML loading through yaml-cpp into floe's positioned Node tree.

#include <unordered_map>

#include <yaml-cpp/yaml.h>

#include "floe/base/fs.h"
#include "floe/base/node.h"

namespace floe {
namespace {

// Bounds that keep hostile input (deep nesting, alias bombs) from exhausting the machine.
constexpr int kMaxDepth = 64;
constexpr size_t kMaxNodes = 2'000'000;

bool IsNull(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

bool IsBool(std::string_view s) {
  return s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE";
}

bool AllOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty())
    return false;
  for (char c : s) {
    if (!pred(c))
      return false;
  }
  return true;
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsOctal(char c) {
  return c >= '0' && c <= '7';
}
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsInt(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o')
    return AllOf(s.substr(2), IsOctal);
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x')
    return AllOf(s.substr(2), IsHex);
  if (!s.empty() && (s[0] == '-' || s[0] == '+'))
    s.remove_prefix(1);
  return AllOf(s, IsDigit);
}

// YAML 1.2 core schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? and .inf/.nan.
bool IsFloat(std::string_view s) {
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "-.inf" || s == "+.inf" || s == "-.Inf" ||
      s == "+.Inf" || s == ".nan" || s == ".NaN" || s == ".NAN") {
    return true;
  }
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+'))
    ++i;
  size_t int_digits = 0;
  while (i < s.size() && IsDigit(s[i]))
    ++i, ++int_digits;
  size_t frac_digits = 0;
  bool dot = false;
  if (i < s.size() && s[i] == '.') {
    dot = true;
    ++i;
    while (i < s.size() && IsDigit(s[i]))
      ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0)
    return false;
  if (int_digits == 0 && !dot)
    return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+'))
      ++i;
    size_t exp_digits = 0;
    while (i < s.size() && IsDigit(s[i]))
      ++i, ++exp_digits;
    if (exp_digits == 0)
      return false;
  }
  return i == s.size();
}

Mark ToMark(const YAML::Mark& m) {
  if (m.line < 0)
    return {};
  return {static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1)};
}

class Converter {
 public:
  Converter(Document& document, Diagnostics& diagnostics)
      : document_(document), diagnostics_(diagnostics) {}

  bool Convert(const YAML::Node& in, Node& out, Mark fallback, int depth) {
    if (++nodes_ > kMaxNodes) {
      if (!reported_size_) {
        diagnostics_.Error(Code::kYamlSyntax, document_.At(fallback),
                           "the document expands to too many nodes (aliases?)",
                           "floe reads at most 2,000,000 nodes per file");
        reported_size_ = true;
      }
      return false;
    }
    if (depth > kMaxDepth) {
      diagnostics_.Error(Code::kYamlSyntax, document_.At(fallback),
                         "the document is nested too deeply",
                         "floe reads at most 64 levels of nesting");
      return false;
    }
    out.mark = in.Mark().line >= 0 ? ToMark(in.Mark()) : fallback;
    switch (in.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = Node::Kind::kNull;
        return true;
      case YAML::NodeType::Scalar: {
        out.text = in.Scalar();
        if (in.Tag() != "?") {
          out.kind = Node::Kind::kString;  // quoted, literal or folded: always a string
        } else if (IsNull(out.text)) {
          out.kind = Node::Kind::kNull;
        } else if (IsBool(out.text)) {
          out.kind = Node::Kind::kBool;
        } else if (IsInt(out.text)) {
          out.kind = Node::Kind::kInt;
        } else if (IsFloat(out.text)) {
          out.kind = Node::Kind::kFloat;
        } else {
          out.kind = Node::Kind::kString;
        }
        return true;
      }
      case YAML::NodeType::Sequence: {
        out.kind = Node::Kind::kList;
        out.items.resize(in.size());
        bool ok = true;
        size_t i = 0;
        for (const YAML::Node& item : in) {
          ok = Convert(item, out.items[i++], out.mark, depth + 1) && ok;
          if (nodes_ > kMaxNodes)
            return false;
        }
        return ok;
      }
      case YAML::NodeType::Map: {
        out.kind = Node::Kind::kMap;
        out.entries.reserve(in.size());
        bool ok = true;
        std::unordered_map<std::string, Mark> seen;
        for (const auto& pair : in) {  // a pair by value: `it->first` would dangle
          const YAML::Node& key = pair.first;
          Mark key_mark = ToMark(key.Mark());
          if (!key.IsScalar()) {
            diagnostics_.Error(Code::kWrongType, document_.At(key_mark),
                               "a mapping key must be a plain string",
                               "write keys as simple words, e.g. `name:`");
            ok = false;
            continue;
          }
          auto [pos, inserted] = seen.emplace(key.Scalar(), key_mark);
          if (!inserted) {
            Diagnostic& d = diagnostics_.Error(
                Code::kDuplicateKey, document_.At(key_mark), "duplicate key `" + key.Scalar() + "`",
                "remove one of them; YAML keeps only one value per key");
            d.notes.push_back({document_.At(pos->second), "first defined here"});
            ok = false;
            continue;
          }
          Node::Entry& entry = out.entries.emplace_back();
          entry.key = key.Scalar();
          entry.key_mark = key_mark;
          ok = Convert(pair.second, entry.value, key_mark, depth + 1) && ok;
          if (nodes_ > kMaxNodes)
            return false;
        }
        return ok;
      }
    }
    return true;
  }

 private:
  Document& document_;
  Diagnostics& diagnostics_;
  size_t nodes_ = 0;
  bool reported_size_ = false;
};

// Offset of the first byte that is not valid UTF-8 YAML text, or npos.
size_t InvalidUtf8At(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    // YAML allows no C0 control character but tab and line breaks (and a NUL would make
    // yaml-cpp guess UTF-16/32).
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      return i;
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size())
      return i;
    if (n == 2 && c < 0xC2)
      return i;  // overlong
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
        return i;
    }
    if (n == 3) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0))
        return i;  // overlong, surrogate
    }
    if (n == 4) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90))
        return i;
    }
    i += n;
  }
  return std::string_view::npos;
}

Mark MarkAt(std::string_view s, size_t offset) {
  Mark m{1, 1};
  for (size_t i = 0; i < offset && i < s.size(); ++i) {
    if (s[i] == '\n') {
      ++m.line;
      m.column = 1;
    } else {
      ++m.column;
    }
  }
  return m;
}

}  // namespace

bool ParseYaml(std::string_view text, Document& document, Diagnostics& diagnostics) {
  if (size_t bad = InvalidUtf8At(text); bad != std::string_view::npos) {
    diagnostics.Error(Code::kYamlSyntax, document.At(MarkAt(text, bad)),
                      "the file is not UTF-8 text (a control character or an invalid byte)",
                      "save the file as UTF-8 text");
    return false;
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string message = e.msg.empty() ? "invalid YAML" : e.msg;
    diagnostics.Error(Code::kYamlSyntax, document.At(ToMark(e.mark)), "invalid YAML: " + message,
                      "check indentation, quoting and the `key: value` form near this place");
    return false;
  }
  Converter converter(document, diagnostics);
  try {
    return converter.Convert(root, document.root, Mark{1, 1}, 0);
  } catch (const YAML::Exception& e) {
    diagnostics.Error(Code::kYamlSyntax, document.At(ToMark(e.mark)), "invalid YAML: " + e.msg);
    return false;
  }
}

bool LoadYamlFile(const std::string& path, Document& document, Diagnostics& diagnostics) {
  document.path = path;
  if (!ReadFile(path, document.text, diagnostics))
    return false;
  return ParseYaml(document.text, document, diagnostics);
}

const Node* Node::Find(std::string_view key) const {
  const Entry* entry = FindEntry(key);
  return entry != nullptr ? &entry->value : nullptr;
}

const Node::Entry* Node::FindEntry(std::string_view key) const {
  for (const Entry& e : entries) {
    if (e.key == key)
      return &e;
  }
  return nullptr;
}

std::string Node::GetString(std::string_view key, std::string_view fallback) const {
  const Node* n = Find(key);
  if (n == nullptr || n->kind != Kind::kString)
    return std::string(fallback);
  return n->text;
}

std::string_view Node::KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "a boolean";
    case Kind::kInt:
      return "an integer";
    case Kind::kFloat:
      return "a number";
    case Kind::kString:
      return "a string";
    case Kind::kList:
      return "a list";
    case Kind::kMap:
      return "a mapping";
  }
  return "a value";
}

}  // namespace floe
