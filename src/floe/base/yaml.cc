// floe's YAML reader: YAML 1.2 block and flow collections, plain, quoted and block scalars,
// comments, anchors and aliases, `<<` merge keys, into the positioned Node tree.
//
// Why not yaml-cpp: it parses an order of magnitude slower (a regex engine per character), and
// floe reads every manifest, floe.yaml and dbt properties file of a project on each command.
// tests/unit/base/yaml_differential_test.cc checks this reader against yaml-cpp.

#include <array>
#include <cstring>
#include <unordered_map>

#include "floe/base/fs.h"
#include "floe/base/node.h"
#include "floe/base/utf8.h"

namespace floe {
namespace {

// Bounds that keep hostile input (deep nesting, alias bombs) from exhausting the machine.
constexpr int kMaxDepth = 64;
constexpr size_t kMaxNodes = 2'000'000;

bool IsNull(std::string_view s) {
  if (s.size() > 4)
    return false;
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

bool IsBool(std::string_view s) {
  if (s.size() != 4 && s.size() != 5)
    return false;
  return s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE";
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

bool AllOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty())
    return false;
  for (char c : s) {
    if (!pred(c))
      return false;
  }
  return true;
}

bool IsInt(std::string_view s) {
  if (s.empty() || !(IsDigit(s[0]) || s[0] == '-' || s[0] == '+'))
    return false;
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
  if (s.empty() || !(IsDigit(s[0]) || s[0] == '.' || s[0] == '-' || s[0] == '+'))
    return false;  // most plain scalars are words
  using namespace std::string_view_literals;
  for (std::string_view special : {".inf"sv, ".Inf"sv, ".INF"sv, "-.inf"sv, "+.inf"sv, "-.Inf"sv,
                                   "+.Inf"sv, "-.INF"sv, "+.INF"sv, ".nan"sv, ".NaN"sv, ".NAN"sv}) {
    if (s == special)
      return true;
  }
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+'))
    ++i;
  size_t int_digits = 0;
  while (i < s.size() && IsDigit(s[i]))
    ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i]))
      ++i, ++frac_digits;
  } else if (int_digits == 0) {
    return false;
  }
  if (int_digits == 0 && frac_digits == 0)
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

void ResolvePlain(Node& node) {
  node.plain = true;
  if (IsNull(node.text)) {
    node.kind = Node::Kind::kNull;
  } else if (IsBool(node.text)) {
    node.kind = Node::Kind::kBool;
  } else if (IsInt(node.text)) {
    node.kind = Node::Kind::kInt;
  } else if (IsFloat(node.text)) {
    node.kind = Node::Kind::kFloat;
  } else {
    node.kind = Node::Kind::kString;
  }
}

// Offset of the first byte that is not valid UTF-8 YAML text, or npos.
size_t InvalidTextAt(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    // YAML allows no C0 control character but tab and line breaks.
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
    auto c1 = n > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (n == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)))
      return i;
    if (n == 4 && ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90)))
      return i;
    i += n;
  }
  return std::string_view::npos;
}

// A syntax error: unwinds the parser to ParseYaml, which turns it into a diagnostic.
struct SyntaxError {
  Mark mark;
  std::string message;
  std::string hint;
};

class Parser {
 public:
  Parser(std::string_view text, Document& document, Diagnostics& diagnostics)
      : s_(text), document_(document), diagnostics_(diagnostics) {}

  bool Parse() {
    try {
      if (s_.substr(0, 3) == "\xEF\xBB\xBF")
        Advance(3);
      ParseStream();
      return !failed_;
    } catch (const SyntaxError& e) {
      std::string hint =
          e.hint.empty() ? "check indentation, quoting and the `key: value` form near this place"
                         : e.hint;
      diagnostics_.Error(Code::kYamlSyntax, document_.At(e.mark), "invalid YAML: " + e.message,
                         hint);
      return false;
    }
  }

 private:
  // ---- characters and positions ----
  char Cur() const { return p_ < s_.size() ? s_[p_] : '\0'; }
  char Peek(size_t ahead) const { return p_ + ahead < s_.size() ? s_[p_ + ahead] : '\0'; }
  bool AtEnd() const { return p_ >= s_.size(); }
  static bool IsBreak(char c) { return c == '\n' || c == '\r'; }
  static bool IsBlank(char c) { return c == ' ' || c == '\t'; }
  bool AtBreakOrEnd() const { return AtEnd() || IsBreak(Cur()); }
  // A separator after an indicator: blank, break or end.
  bool SepAt(size_t ahead) const {
    char c = Peek(ahead);
    return c == '\0' || IsBlank(c) || IsBreak(c);
  }

  void Advance(size_t n = 1) {
    for (size_t i = 0; i < n && p_ < s_.size(); ++i) {
      if (s_[p_] == '\n') {
        ++line_;
        line_start_ = p_ + 1;
      }
      ++p_;
    }
  }

  // Column in characters (not bytes), 1-based.
  uint32_t ColumnOf(size_t pos) const {
    uint32_t col = 1;
    for (size_t i = line_start_; i < pos && i < s_.size(); ++i) {
      if ((static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80)
        ++col;
    }
    return col;
  }
  Mark Here() const { return {line_, ColumnOf(p_)}; }
  int Indent() const { return static_cast<int>(p_ - line_start_); }

  [[noreturn]] void Fail(const std::string& message, std::string hint = {}) const {
    throw SyntaxError{Here(), message, std::move(hint)};
  }

  void SkipBlanks() {
    while (IsBlank(Cur()))
      Advance();
  }

  // Rest of the line: blanks, an optional comment, then the line break.
  void FinishLine() {
    SkipBlanks();
    if (Cur() == '#') {
      while (!AtBreakOrEnd())
        Advance();
    }
    if (!AtBreakOrEnd()) {
      Fail("unexpected text `" + std::string(1, Cur()) + "` after the value",
           "put one value per line, or quote a value that contains `: ` or ` #`");
    }
    if (Cur() == '\r')
      Advance();
    if (Cur() == '\n')
      Advance();
  }

  bool AtDocumentMarker() const {
    if (p_ != line_start_ || p_ + 3 > s_.size())
      return false;
    std::string_view m = s_.substr(p_, 3);
    return (m == "---" || m == "...") && SepAt(3);
  }

  // From the start of a line: skips blank and comment-only lines, stops at the first content
  // (p_ on it) and records its indentation in next_indent_ (-1 at the end or a document marker).
  void NextContentLine() {
    for (;;) {
      if (AtEnd()) {
        next_indent_ = -1;
        return;
      }
      if (AtDocumentMarker()) {
        next_indent_ = -1;
        return;
      }
      size_t start = p_;
      while (Cur() == ' ')
        Advance();
      if (Cur() == '\t') {
        // A tab may separate, but never indent content.
        size_t q = p_;
        while (q < s_.size() && IsBlank(s_[q]))
          ++q;
        if (q < s_.size() && !IsBreak(s_[q]) && s_[q] != '#') {
          Fail("a tab indents this line; YAML indents with spaces only",
               "replace the tab with spaces");
        }
      }
      SkipBlanks();
      if (Cur() == '#' || AtBreakOrEnd()) {
        while (!AtBreakOrEnd())
          Advance();
        if (Cur() == '\r')
          Advance();
        if (Cur() == '\n')
          Advance();
        continue;
      }
      next_indent_ = static_cast<int>(p_ - start);
      return;
    }
  }

  Node& Count(Node& node) {
    if (++nodes_ > kMaxNodes) {
      throw SyntaxError{node.mark, "the document expands to too many nodes (aliases?)",
                        "floe reads at most 2,000,000 nodes per file"};
    }
    return node;
  }

  // ---- stream and document ----
  void ParseStream() {
    NextContentLine();
    while (next_indent_ == 0 && Cur() == '%') {  // directives
      while (!AtBreakOrEnd())
        Advance();
      FinishLine();
      NextContentLine();
    }
    if (AtDocumentMarker() && s_.substr(p_, 3) == "---") {
      Advance(3);
      SkipBlanks();
      if (AtBreakOrEnd() || Cur() == '#') {
        FinishLine();
        NextContentLine();
      } else {
        next_indent_ = Indent();
      }
    }
    if (next_indent_ >= 0) {
      ParseNode(-1, document_.root, false, 0);
    } else {
      document_.root.kind = Node::Kind::kNull;
      document_.root.mark = Mark{1, 1};
    }
    if (next_indent_ >= 0) {
      Fail("unexpected content: this line is indented less than the block it should belong to",
           "align it with the keys of the mapping it belongs to");
    }
    if (AtDocumentMarker() && s_.substr(p_, 3) == "...") {
      Advance(3);
      FinishLine();
      NextContentLine();
    }
    if (AtDocumentMarker() && s_.substr(p_, 3) == "---") {
      Fail("a second YAML document (`---`) in the file", "floe reads one document per file");
    }
    if (!AtEnd() && next_indent_ >= 0)
      Fail("unexpected content after the end of the document");
  }

  // ---- nodes ----
  struct Properties {
    std::string anchor;
    std::string tag;
    Mark mark;
  };

  std::string ReadName() {
    size_t start = p_;
    while (!AtEnd() && !IsBlank(Cur()) && !IsBreak(Cur()) && Cur() != ',' && Cur() != '[' &&
           Cur() != ']' && Cur() != '{' && Cur() != '}') {
      Advance();
    }
    return std::string(s_.substr(start, p_ - start));
  }

  // Anchors (&a) and tags (!!str) in front of a node.
  Properties ReadProperties() {
    Properties props;
    props.mark = Here();
    for (;;) {
      if (Cur() == '&') {
        Advance();
        props.anchor = ReadName();
        if (props.anchor.empty())
          Fail("an anchor `&` needs a name");
      } else if (Cur() == '!') {
        props.tag = ReadName();
      } else {
        break;
      }
      SkipBlanks();
    }
    return props;
  }

  void ApplyProperties(const Properties& props, Node& node) {
    if (!props.tag.empty()) {
      static constexpr std::array<std::string_view, 7> kKnown = {
          "!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq"};
      bool known = false;
      for (std::string_view k : kKnown)
        known = known || props.tag == k;
      if (!known) {
        throw SyntaxError{props.mark, "unsupported tag `" + props.tag + "`",
                          "floe reads plain YAML data; remove the tag"};
      }
      if (props.tag == "!!str" && node.is_scalar())
        node.kind = Node::Kind::kString;
      if (props.tag == "!!null" && node.is_scalar())
        node.kind = Node::Kind::kNull;
    }
    if (!props.anchor.empty())
      anchors_[props.anchor] = node;
  }

  bool AtSequenceDash() const { return Cur() == '-' && SepAt(1); }

  // The node at p_. `parent_indent` is the indentation of the enclosing block collection;
  // `inline_value` is true after `key: ` on the same line, where a block collection may not
  // start. Returns with p_ on the next content line (next_indent_ set).
  void ParseNode(int parent_indent, Node& out, bool inline_value, int depth) {
    if (depth > kMaxDepth) {
      Fail("the document is nested too deeply", "floe reads at most 64 levels of nesting");
    }
    Properties props;
    if (Cur() == '&' || Cur() == '!') {
      props = ReadProperties();
      if (AtBreakOrEnd() || Cur() == '#') {
        FinishLine();
        NextContentLine();
        if (next_indent_ > parent_indent ||
            (next_indent_ == parent_indent && next_indent_ >= 0 && AtSequenceDash())) {
          ParseNode(parent_indent, out, false, depth + 1);
        } else {
          out.kind = Node::Kind::kNull;
          out.mark = props.mark;
          Count(out);
        }
        ApplyProperties(props, out);
        return;
      }
    }
    out.mark = Here();
    Count(out);
    char c = Cur();
    if (AtSequenceDash()) {
      if (inline_value) {
        Fail("a list cannot start on the same line as its key",
             "start the list on the next line, one `- item` per line");
      }
      ParseBlockSequence(Indent(), out, depth);
    } else if (c == '[' || c == '{') {
      ParseFlow(out, depth);
      SkipBlanks();
      if (Cur() == ':' && SepAt(1)) {
        Fail("a flow collection cannot be a mapping key", "use a plain or quoted key");
      }
      FinishLine();
      NextContentLine();
    } else if (c == '|' || c == '>') {
      ParseBlockScalar(parent_indent, out);
    } else if (c == '*') {
      ParseAlias(out);
      SkipBlanks();
      if (Cur() == ':' && SepAt(1))
        Fail("an alias cannot be a mapping key");
      FinishLine();
      NextContentLine();
    } else if (!inline_value && LooksLikeKey()) {
      ParseBlockMapping(Indent(), out, depth);
    } else {
      ParseScalarValue(parent_indent, out, inline_value);
    }
    ApplyProperties(props, out);
  }

  void ParseAlias(Node& out) {
    Mark mark = Here();
    Advance();
    std::string name = ReadName();
    auto it = anchors_.find(name);
    if (it == anchors_.end()) {
      throw SyntaxError{mark, "unknown alias `*" + name + "`",
                        "define the anchor `&" + name + "` before it is used"};
    }
    out = it->second;
    out.mark = mark;
    nodes_ += CountNodes(out);
    if (nodes_ > kMaxNodes) {
      throw SyntaxError{mark, "the document expands to too many nodes (aliases?)",
                        "floe reads at most 2,000,000 nodes per file"};
    }
  }

  static size_t CountNodes(const Node& n) {
    size_t count = 1;
    for (const Node& item : n.items)
      count += CountNodes(item);
    for (const Node::Entry& e : n.entries)
      count += CountNodes(e.value);
    return count;
  }

  // Does the text at p_ start a `key:` on this line (outside quotes)?
  bool LooksLikeKey() const {
    size_t q = p_;
    if (q < s_.size() && (s_[q] == '"' || s_[q] == '\'')) {
      char quote = s_[q++];
      while (q < s_.size() && !IsBreak(s_[q])) {
        if (s_[q] == '\\' && quote == '"') {
          q += 2;
          continue;
        }
        if (s_[q] == quote) {
          if (quote == '\'' && q + 1 < s_.size() && s_[q + 1] == '\'') {
            q += 2;
            continue;
          }
          ++q;
          while (q < s_.size() && IsBlank(s_[q]))
            ++q;
          return q < s_.size() && s_[q] == ':' &&
                 (q + 1 >= s_.size() || IsBlank(s_[q + 1]) || IsBreak(s_[q + 1]));
        }
        ++q;
      }
      return false;
    }
    if (q < s_.size() && s_[q] == '?' && (q + 1 >= s_.size() || IsBlank(s_[q + 1])))
      return true;
    for (; q < s_.size() && !IsBreak(s_[q]); ++q) {
      if (s_[q] == ':' && (q + 1 >= s_.size() || IsBlank(s_[q + 1]) || IsBreak(s_[q + 1]))) {
        return true;
      }
      if (s_[q] == '#' && q > p_ && IsBlank(s_[q - 1]))
        return false;
    }
    return false;
  }

  void ParseBlockMapping(int indent, Node& out, int depth) {
    out.kind = Node::Kind::kMap;
    std::unordered_map<std::string, size_t> seen;
    bool has_merge = false;
    for (;;) {
      Node::Entry entry;
      entry.key_mark = Here();
      bool plain_key = true;
      if (Cur() == '?' && SepAt(1)) {
        Fail("complex mapping keys (`? `) are not supported", "write `key: value`");
      } else if (Cur() == '"' || Cur() == '\'') {
        plain_key = false;
        Node key;
        ParseQuoted(key, /*single_line=*/true);
        entry.key = std::move(key.text);
      } else if (AtSequenceDash()) {
        Fail("a list item where a `key: value` was expected",
             "align the list under its key, or indent it further");
      } else {
        entry.key = ScanPlainKey();
      }
      SkipBlanks();
      if (!(Cur() == ':' && SepAt(1))) {
        Fail("expected `key: value` here", "a mapping needs a colon and a space after each key");
      }
      Advance();
      SkipBlanks();
      if (AtBreakOrEnd() || Cur() == '#') {
        FinishLine();
        NextContentLine();
        if (next_indent_ > indent) {
          ParseNode(indent, entry.value, false, depth + 1);
        } else if (next_indent_ == indent && AtSequenceDash()) {
          Node& value = entry.value;
          value.mark = Here();
          Count(value);
          ParseBlockSequence(indent, value, depth + 1);
        } else {
          entry.value.kind = Node::Kind::kNull;
          entry.value.mark = entry.key_mark;
          Count(entry.value);
        }
      } else {
        ParseNode(indent, entry.value, true, depth + 1);
      }
      AddEntry(out, std::move(entry), plain_key, seen, has_merge);
      if (next_indent_ > indent) {
        Fail("this line is indented more than the keys of its mapping",
             "align it with the other keys, or nest it under a key that ends with `:`");
      }
      if (next_indent_ != indent)
        break;
      if (AtSequenceDash())
        break;  // a compact list of the enclosing mapping's key
    }
    if (has_merge)
      ApplyMerge(out);
  }

  void AddEntry(Node& map, Node::Entry entry, bool plain_key,
                std::unordered_map<std::string, size_t>& seen, bool& has_merge) {
    if (plain_key && entry.key == "<<")
      has_merge = true;
    auto [it, inserted] = seen.emplace(entry.key, map.entries.size());
    if (!inserted && !(plain_key && entry.key == "<<")) {
      Diagnostic& d = diagnostics_.Error(Code::kDuplicateKey, document_.At(entry.key_mark),
                                         "duplicate key `" + entry.key + "`",
                                         "remove one of them; YAML keeps only one value per key");
      d.notes.push_back({document_.At(map.entries[it->second].key_mark), "first defined here"});
      failed_ = true;
      return;
    }
    map.entries.push_back(std::move(entry));
  }

  // `<<: *defaults` (or a list of aliases): copies the keys the mapping does not set itself.
  void ApplyMerge(Node& map) {
    std::vector<Node::Entry> own;
    std::vector<const Node*> sources;
    std::vector<Node::Entry> merged;
    for (Node::Entry& e : map.entries) {
      if (e.key == "<<") {
        if (e.value.is_map() || e.value.is_list()) {
          merged.push_back(std::move(e));
        } else {
          throw SyntaxError{e.key_mark, "`<<` merges a mapping or a list of mappings",
                            "write `<<: *anchor_of_a_mapping`"};
        }
      } else {
        own.push_back(std::move(e));
      }
    }
    for (const Node::Entry& m : merged) {
      if (m.value.is_map()) {
        sources.push_back(&m.value);
      } else {
        for (const Node& item : m.value.items) {
          if (!item.is_map()) {
            throw SyntaxError{item.mark, "`<<` merges mappings only", ""};
          }
          sources.push_back(&item);
        }
      }
    }
    for (const Node* source : sources) {
      for (const Node::Entry& e : source->entries) {
        bool present = false;
        for (const Node::Entry& o : own)
          present = present || o.key == e.key;
        if (!present)
          own.push_back(e);
      }
    }
    map.entries = std::move(own);
  }

  std::string ScanPlainKey() {
    size_t start = p_;
    char c = Cur();
    if (c == '@' || c == '`' || c == '%' || c == '|' || c == '>' || c == ',' || c == ']' ||
        c == '}') {
      Fail("a key cannot start with `" + std::string(1, c) + "`", "quote the key");
    }
    while (!AtBreakOrEnd()) {
      if (Cur() == ':' && SepAt(1))
        break;
      Advance();
    }
    size_t end = p_;
    while (end > start && IsBlank(s_[end - 1]))
      --end;
    return std::string(s_.substr(start, end - start));
  }

  void ParseBlockSequence(int indent, Node& out, int depth) {
    out.kind = Node::Kind::kList;
    for (;;) {
      Node& item = out.items.emplace_back();
      Mark dash = Here();
      Advance();  // '-'
      SkipBlanks();
      if (AtBreakOrEnd() || Cur() == '#') {
        FinishLine();
        NextContentLine();
        if (next_indent_ > indent) {
          ParseNode(indent, item, false, depth + 1);
        } else {
          item.kind = Node::Kind::kNull;
          item.mark = dash;
          Count(item);
        }
      } else {
        ParseNode(indent, item, false, depth + 1);
      }
      if (next_indent_ > indent) {
        Fail("this line is indented more than the items of its list",
             "align it with the other `- ` items, or nest it under a key");
      }
      if (next_indent_ != indent || !AtSequenceDash())
        break;
    }
  }

  // ---- scalars ----
  void ParseScalarValue(int parent_indent, Node& out, bool inline_value) {
    char c = Cur();
    if (c == '"' || c == '\'') {
      ParseQuoted(out, false);
      FinishLine();
      NextContentLine();
      return;
    }
    if (c == '@' || c == '`') {
      Fail("a plain value cannot start with `" + std::string(1, c) + "`", "quote the value");
    }
    if ((c == '?' || c == ':') && SepAt(1)) {
      Fail("unexpected `" + std::string(1, c) + "`", "quote the value");
    }
    ParsePlainMultiline(parent_indent, out, inline_value);
  }

  // A plain scalar in block context, folded over continuation lines.
  void ParsePlainMultiline(int parent_indent, Node& out, bool inline_value) {
    std::string text = ScanPlainLine();
    size_t breaks = 0;
    for (;;) {
      // Look at the following lines without committing.
      size_t save_p = p_;
      size_t save_start = line_start_;
      uint32_t save_line = line_;
      SkipBlanks();
      if (Cur() == '#' || !AtBreakOrEnd())
        break;  // comment or text: handled by FinishLine
      // Count empty lines and find the next content.
      breaks = 0;
      size_t q = p_;
      bool continued = false;
      for (;;) {
        if (q < s_.size() && s_[q] == '\r')
          ++q;
        if (q >= s_.size() || s_[q] != '\n')
          break;
        ++q;
        size_t ls = q;
        while (q < s_.size() && s_[q] == ' ')
          ++q;
        size_t indent = q - ls;
        while (q < s_.size() && IsBlank(s_[q]))
          ++q;
        if (q < s_.size() && IsBreak(s_[q])) {
          ++breaks;
          continue;
        }
        if (q >= s_.size())
          break;
        bool marker = indent == 0 && q + 3 <= s_.size() &&
                      (s_.substr(q, 3) == "---" || s_.substr(q, 3) == "...");
        if (static_cast<int>(indent) > parent_indent && s_[q] != '#' && !marker) {
          // A continuation line: fold it in.
          while (p_ < q)
            Advance();
          if (LooksLikeKey()) {
            Fail("a `key: value` inside a multi-line value",
                 inline_value ? "indent nested keys under a key that ends with `:`, or quote "
                                "the value"
                              : "quote the value");
          }
          text += breaks == 0 ? std::string(" ") : std::string(breaks, '\n');
          text += ScanPlainLine();
          continued = true;
        }
        break;
      }
      if (!continued) {
        p_ = save_p;
        line_start_ = save_start;
        line_ = save_line;
        break;
      }
    }
    out.text = std::move(text);
    ResolvePlain(out);
    FinishLine();
    NextContentLine();
  }

  // One line of a plain scalar: up to ` #`, `: ` or the line end; trailing blanks trimmed.
  std::string ScanPlainLine() {
    size_t start = p_;
    while (!AtBreakOrEnd()) {
      if (Cur() == ':' && SepAt(1))
        break;
      if (Cur() == '#' && p_ > start && IsBlank(s_[p_ - 1]))
        break;
      Advance();
    }
    size_t end = p_;
    while (end > start && IsBlank(s_[end - 1]))
      --end;
    // Leave p_ after the text so FinishLine sees what follows.
    std::string out(s_.substr(start, end - start));
    return out;
  }

  void ParseQuoted(Node& out, bool single_line) {
    char quote = Cur();
    Mark start = Here();
    Advance();
    std::string text;
    for (;;) {
      if (AtEnd()) {
        throw SyntaxError{start, "a quoted value is not closed",
                          std::string("add the closing ") + quote};
      }
      char c = Cur();
      if (IsBreak(c)) {
        if (single_line) {
          throw SyntaxError{start, "a quoted key spans lines", "keep keys on one line"};
        }
        // Fold: trailing blanks dropped, one break -> space, n empty lines -> n newlines.
        while (!text.empty() && IsBlank(text.back()))
          text.pop_back();
        size_t breaks = 0;
        while (IsBreak(Cur()) || IsBlank(Cur())) {
          if (Cur() == '\n')
            ++breaks;
          Advance();
        }
        if (AtDocumentMarker())
          Fail("a document marker inside a quoted value");
        text += breaks <= 1 ? std::string(" ") : std::string(breaks - 1, '\n');
        continue;
      }
      if (quote == '\'') {
        if (c == '\'') {
          if (Peek(1) == '\'') {
            text += '\'';
            Advance(2);
            continue;
          }
          Advance();
          break;
        }
        text += c;
        Advance();
        continue;
      }
      if (c == '"') {
        Advance();
        break;
      }
      if (c == '\\') {
        Advance();
        ParseEscape(text);
        continue;
      }
      text += c;
      Advance();
    }
    out.kind = Node::Kind::kString;
    out.text = std::move(text);
  }

  void ParseEscape(std::string& text) {
    char e = Cur();
    auto hex = [&](int digits) {
      uint32_t cp = 0;
      for (int i = 0; i < digits; ++i) {
        Advance();
        char h = Cur();
        if (!IsHex(h))
          Fail(R"(a \x, \u or \U escape needs hexadecimal digits)");
        cp = cp * 16 + static_cast<uint32_t>(IsDigit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
      }
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        Fail("the escape is not a character");
      AppendUtf8(text, cp);
    };
    switch (e) {
      case '0':
        text += '\0';
        break;
      case 'a':
        text += '\a';
        break;
      case 'b':
        text += '\b';
        break;
      case 't':
      case '\t':
        text += '\t';
        break;
      case 'n':
        text += '\n';
        break;
      case 'v':
        text += '\v';
        break;
      case 'f':
        text += '\f';
        break;
      case 'r':
        text += '\r';
        break;
      case 'e':
        text += '\x1b';
        break;
      case ' ':
        text += ' ';
        break;
      case '"':
        text += '"';
        break;
      case '/':
        text += '/';
        break;
      case '\\':
        text += '\\';
        break;
      case 'N':
        AppendUtf8(text, 0x85);
        break;
      case '_':
        AppendUtf8(text, 0xA0);
        break;
      case 'L':
        AppendUtf8(text, 0x2028);
        break;
      case 'P':
        AppendUtf8(text, 0x2029);
        break;
      case 'x':
        hex(2);
        break;
      case 'u':
        hex(4);
        break;
      case 'U':
        hex(8);
        break;
      case '\r':
      case '\n': {
        // An escaped line break joins the lines without a space.
        if (Cur() == '\r')
          Advance();
        if (Cur() == '\n')
          Advance();
        while (IsBlank(Cur()))
          Advance();
        return;
      }
      default:
        Fail(std::string("unknown escape `\\") + e + "` in a double-quoted value",
             "write a backslash as `\\\\`, or use single quotes");
    }
    Advance();
  }

  void ParseBlockScalar(int parent_indent, Node& out) {
    bool literal = Cur() == '|';
    Advance();
    char chomp = 'c';  // clip
    int explicit_indent = 0;
    for (int i = 0; i < 2; ++i) {
      if (Cur() == '-' || Cur() == '+') {
        chomp = Cur() == '-' ? 's' : 'k';
        Advance();
      } else if (Cur() >= '1' && Cur() <= '9') {
        explicit_indent = Cur() - '0';
        Advance();
      }
    }
    FinishLine();
    int base = parent_indent < 0 ? 0 : parent_indent;
    int content_indent = explicit_indent > 0 ? base + explicit_indent : -1;
    std::vector<std::string> lines;
    // Collect lines that belong to the scalar.
    for (;;) {
      if (AtEnd())
        break;
      size_t ls = p_;
      size_t q = p_;
      while (q < s_.size() && s_[q] == ' ')
        ++q;
      int indent = static_cast<int>(q - ls);
      size_t eol = q;
      while (eol < s_.size() && !IsBreak(s_[eol]))
        ++eol;
      bool blank = true;
      for (size_t k = q; k < eol; ++k)
        blank = blank && IsBlank(s_[k]);
      if (!blank) {
        if (content_indent < 0) {
          if (indent <= parent_indent)
            break;
          content_indent = indent;
        }
        if (indent < content_indent)
          break;
        if (indent == 0 && AtDocumentMarker())
          break;
      }
      std::string_view whole = s_.substr(ls, eol - ls);
      std::string line;
      if (content_indent >= 0 && static_cast<int>(whole.size()) > content_indent) {
        line = std::string(whole.substr(static_cast<size_t>(content_indent)));
      } else if (!blank) {
        line = std::string(whole.substr(static_cast<size_t>(indent)));
      }
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      lines.push_back(blank && content_indent < 0 ? std::string() : line);
      while (p_ < eol)
        Advance();
      if (Cur() == '\r')
        Advance();
      if (Cur() == '\n') {
        Advance();
      } else {
        break;
      }
    }
    // Trailing empty lines are subject to chomping.
    size_t trailing = 0;
    while (trailing < lines.size() &&
           lines[lines.size() - 1 - trailing].find_first_not_of(' ') == std::string::npos) {
      ++trailing;
    }
    size_t content = lines.size() - trailing;
    std::string text;
    if (literal) {
      for (size_t i = 0; i < content; ++i) {
        if (i > 0)
          text += '\n';
        text += lines[i];
      }
    } else {
      // Folding: a break between two normal lines becomes a space; empty lines become breaks;
      // breaks next to more-indented lines are kept.
      bool first = true;
      bool prev_normal = false;
      size_t empties = 0;
      for (size_t i = 0; i < content; ++i) {
        const std::string& line = lines[i];
        if (line.empty()) {
          ++empties;
          continue;
        }
        bool normal = line[0] != ' ' && line[0] != '\t';
        if (first) {
          text += std::string(empties, '\n');
        } else if (prev_normal && normal) {
          text += empties == 0 ? std::string(" ") : std::string(empties, '\n');
        } else {
          text += std::string(empties + 1, '\n');
        }
        text += line;
        prev_normal = normal;
        empties = 0;
        first = false;
      }
    }
    if (content > 0) {
      if (chomp == 'c')
        text += '\n';
      if (chomp == 'k')
        text += std::string(trailing + 1, '\n');
    } else if (chomp == 'k') {
      text += std::string(trailing, '\n');
    }
    out.kind = Node::Kind::kString;
    out.text = std::move(text);
    NextContentLine();
  }

  // ---- flow collections ----
  void SkipFlowSpace() {
    for (;;) {
      if (IsBlank(Cur()) || IsBreak(Cur())) {
        Advance();
      } else if (Cur() == '#' && (p_ == 0 || IsBlank(s_[p_ - 1]) || IsBreak(s_[p_ - 1]))) {
        while (!AtBreakOrEnd())
          Advance();
      } else {
        return;
      }
    }
  }

  void ParseFlow(Node& out, int depth) {
    if (depth > kMaxDepth) {
      Fail("the document is nested too deeply", "floe reads at most 64 levels of nesting");
    }
    bool is_map = Cur() == '{';
    char close = is_map ? '}' : ']';
    Mark open = Here();
    out.mark = open;
    out.kind = is_map ? Node::Kind::kMap : Node::Kind::kList;
    Advance();
    std::unordered_map<std::string, size_t> seen;
    bool has_merge = false;
    for (;;) {
      SkipFlowSpace();
      if (AtEnd()) {
        throw SyntaxError{open, std::string("`") + (is_map ? '{' : '[') + "` is not closed",
                          std::string("add the closing `") + close + "`"};
      }
      if (Cur() == close) {
        Advance();
        break;
      }
      if (Cur() == ',')
        Fail("an empty entry (`,,`) in a flow collection");
      Node key_or_item;
      bool plain = Cur() != '"' && Cur() != '\'';
      ParseFlowNode(key_or_item, depth + 1);
      SkipFlowSpace();
      bool has_colon = Cur() == ':' && (SepAt(1) || Peek(1) == ',' || Peek(1) == close || !plain ||
                                        Peek(1) == '[' || Peek(1) == '{');
      if (is_map) {
        Node::Entry entry;
        entry.key_mark = key_or_item.mark;
        if (!key_or_item.is_scalar())
          Fail("a mapping key must be a plain or quoted value");
        entry.key = key_or_item.text;
        if (has_colon) {
          Advance();
          SkipFlowSpace();
          if (Cur() == ',' || Cur() == close) {
            entry.value.kind = Node::Kind::kNull;
            entry.value.mark = entry.key_mark;
            Count(entry.value);
          } else {
            ParseFlowNode(entry.value, depth + 1);
          }
        } else {
          entry.value.kind = Node::Kind::kNull;
          entry.value.mark = entry.key_mark;
          Count(entry.value);
        }
        AddEntry(out, std::move(entry), plain, seen, has_merge);
      } else if (has_colon) {
        // [a: 1] is a list holding a one-entry mapping.
        Node pair;
        pair.kind = Node::Kind::kMap;
        pair.mark = key_or_item.mark;
        Count(pair);
        Node::Entry entry;
        entry.key_mark = key_or_item.mark;
        entry.key = key_or_item.text;
        Advance();
        SkipFlowSpace();
        ParseFlowNode(entry.value, depth + 1);
        pair.entries.push_back(std::move(entry));
        out.items.push_back(std::move(pair));
      } else {
        out.items.push_back(std::move(key_or_item));
      }
      SkipFlowSpace();
      if (Cur() == ',') {
        Advance();
      } else if (Cur() != close) {
        Fail(std::string("expected `,` or `") + close + "` in a flow collection");
      }
    }
    if (has_merge)
      ApplyMerge(out);
  }

  void ParseFlowNode(Node& out, int depth) {
    Properties props;
    if (Cur() == '&' || Cur() == '!') {
      props = ReadProperties();
      SkipFlowSpace();
    }
    out.mark = Here();
    Count(out);
    char c = Cur();
    if (c == '[' || c == '{') {
      ParseFlow(out, depth);
    } else if (c == '"' || c == '\'') {
      ParseQuoted(out, false);
    } else if (c == '*') {
      ParseAlias(out);
    } else {
      // A plain scalar in flow context, possibly over several lines.
      std::string text;
      for (;;) {
        size_t start = p_;
        while (!AtBreakOrEnd()) {
          char d = Cur();
          if (d == ',' || d == '[' || d == ']' || d == '{' || d == '}')
            break;
          if (d == ':' && (SepAt(1) || Peek(1) == ',' || Peek(1) == ']' || Peek(1) == '}'))
            break;
          if (d == '#' && p_ > start && IsBlank(s_[p_ - 1]))
            break;
          Advance();
        }
        size_t end = p_;
        while (end > start && IsBlank(s_[end - 1]))
          --end;
        if (!text.empty() && end > start)
          text += ' ';
        text.append(s_.substr(start, end - start));
        if (!AtBreakOrEnd() || Cur() == '#')
          break;
        // Continue on the next line when it carries more of the same scalar.
        size_t save_p = p_;
        size_t save_start = line_start_;
        uint32_t save_line = line_;
        SkipFlowSpace();
        char d = Cur();
        if (AtEnd() || d == ',' || d == ']' || d == '}' || d == ':' || d == '[' || d == '{' ||
            d == '#') {
          p_ = save_p;
          line_start_ = save_start;
          line_ = save_line;
          break;
        }
      }
      if (text.empty())
        Fail("expected a value in the flow collection");
      out.text = std::move(text);
      ResolvePlain(out);
    }
    ApplyProperties(props, out);
  }

  std::string_view s_;
  size_t p_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  int next_indent_ = -1;
  size_t nodes_ = 0;
  bool failed_ = false;
  Document& document_;
  Diagnostics& diagnostics_;
  std::unordered_map<std::string, Node> anchors_;
};

Mark MarkAt(std::string_view s, size_t offset) {
  Mark m{1, 1};
  for (size_t i = 0; i < offset && i < s.size(); ++i) {
    if (s[i] == '\n') {
      ++m.line;
      m.column = 1;
    } else if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      ++m.column;
    }
  }
  return m;
}

}  // namespace

bool ParseYaml(std::string_view text, Document& document, Diagnostics& diagnostics) {
  if (size_t bad = InvalidTextAt(text); bad != std::string_view::npos) {
    diagnostics.Error(Code::kYamlSyntax, document.At(MarkAt(text, bad)),
                      "the file is not UTF-8 text (a control character or an invalid byte)",
                      "save the file as UTF-8 text");
    return false;
  }
  document.root = Node{};
  Parser parser(text, document, diagnostics);
  return parser.Parse();
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
