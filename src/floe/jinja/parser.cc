#include "floe/jinja/parser.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "floe/base/utf8.h"

namespace floe::jinja {
namespace {

struct Token {
  enum class Type : uint8_t {
    kText,
    kVarBegin,
    kVarEnd,
    kBlockBegin,
    kBlockEnd,
    kName,
    kString,
    kInt,
    kFloat,
    kOp,
    kEof
  };
  Type type;
  std::string text;
  Position pos;
  Value value;
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Jinja2 reads templates with universal newlines and, with keep_trailing_newline=False, drops one
// newline at the very end.
std::string NormalizeNewlines(std::string_view source) {
  std::string out;
  out.reserve(source.size());
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      out += '\n';
      if (i + 1 < source.size() && source[i + 1] == '\n')
        ++i;
    } else {
      out += source[i];
    }
  }
  if (!out.empty() && out.back() == '\n')
    out.pop_back();
  return out;
}

class Lexer {
 public:
  Lexer(std::string_view src, Position origin) : s_(src), origin_(origin), cursor_(origin) {}

  std::vector<Token> Run() {
    bool lstrip_next = false;
    while (p_ < s_.size()) {
      size_t start = FindTagStart(p_);
      std::string text(s_.substr(p_, (start == std::string_view::npos ? s_.size() : start) - p_));
      Position text_pos = PosAt(p_);
      if (lstrip_next) {
        size_t k = 0;
        while (k < text.size() && IsSpace(text[k]))
          ++k;
        text.erase(0, k);
      }
      lstrip_next = false;
      if (start == std::string_view::npos) {
        Emit(Token::Type::kText, std::move(text), text_pos);
        break;
      }
      char kind = s_[start + 1];
      bool strip_before = start + 2 < s_.size() && s_[start + 2] == '-';
      if (strip_before) {
        while (!text.empty() && IsSpace(text.back()))
          text.pop_back();
      }
      Emit(Token::Type::kText, std::move(text), text_pos);
      size_t inner =
          start + 2 +
          ((start + 2 < s_.size() && (s_[start + 2] == '-' || s_[start + 2] == '+')) ? 1 : 0);
      if (kind == '#') {
        size_t end = s_.find("#}", inner);
        if (end == std::string_view::npos)
          throw TemplateError{PosAt(start), "missing end of comment tag"};
        lstrip_next = end > inner && s_[end - 1] == '-';
        p_ = end + 2;
        continue;
      }
      if (kind == '%' && IsRawStart(inner)) {
        lstrip_next = LexRaw(start, inner);
        continue;
      }
      Emit(kind == '{' ? Token::Type::kVarBegin : Token::Type::kBlockBegin, "", PosAt(start));
      p_ = inner;
      lstrip_next = LexTag(kind == '{' ? '}' : '%', start);
    }
    Emit(Token::Type::kEof, "", PosAt(s_.size()));
    return std::move(tokens_);
  }

 private:
  size_t FindTagStart(size_t from) const {
    for (size_t i = s_.find('{', from); i != std::string_view::npos; i = s_.find('{', i + 1)) {
      if (i + 1 < s_.size() && (s_[i + 1] == '{' || s_[i + 1] == '%' || s_[i + 1] == '#'))
        return i;
    }
    return std::string_view::npos;
  }

  // Line and column of an offset. Offsets are asked for mostly in increasing order, so the scan
  // continues from the previous answer (linear in the template, not quadratic).
  Position PosAt(size_t offset) {
    if (offset < cursor_offset_) {
      cursor_offset_ = 0;
      cursor_ = origin_;
    }
    for (size_t i = cursor_offset_; i < offset && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++cursor_.line;
        cursor_.column = 1;
      } else if ((static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80) {
        ++cursor_.column;
      }
    }
    cursor_offset_ = std::min(offset, s_.size());
    return cursor_;
  }

  void Emit(Token::Type type, std::string text, Position pos, Value value = Value()) {
    if (type == Token::Type::kText && text.empty())
      return;
    tokens_.push_back({type, std::move(text), pos, std::move(value)});
  }

  size_t SkipSpaces(size_t i) const {
    while (i < s_.size() && IsSpace(s_[i]))
      ++i;
    return i;
  }

  bool IsRawStart(size_t inner) const {
    size_t i = SkipSpaces(inner);
    if (s_.substr(i, 3) != "raw")
      return false;
    size_t j = SkipSpaces(i + 3);
    return s_.substr(j, 2) == "%}" || s_.substr(j, 3) == "-%}";
  }

  // {% raw %} … {% endraw %}: the text between is output as it is. Returns the lstrip flag.
  bool LexRaw(size_t start, size_t inner) {
    size_t i = SkipSpaces(inner) + 3;
    i = SkipSpaces(i);
    bool strip_inside_start = s_[i] == '-';
    size_t content = i + (strip_inside_start ? 3 : 2);
    for (size_t k = s_.find("{%", content); k != std::string_view::npos; k = s_.find("{%", k + 2)) {
      size_t j = k + 2;
      bool strip_before_end = j < s_.size() && s_[j] == '-';
      if (j < s_.size() && (s_[j] == '-' || s_[j] == '+'))
        ++j;
      j = SkipSpaces(j);
      if (s_.substr(j, 6) != "endraw")
        continue;
      size_t close = SkipSpaces(j + 6);
      bool strip_after = s_[close] == '-';
      if (s_.substr(close, strip_after ? 3 : 2) != (strip_after ? "-%}" : "%}"))
        continue;
      std::string text(s_.substr(content, k - content));
      if (strip_inside_start) {
        size_t n = 0;
        while (n < text.size() && IsSpace(text[n]))
          ++n;
        text.erase(0, n);
      }
      if (strip_before_end) {
        while (!text.empty() && IsSpace(text.back()))
          text.pop_back();
      }
      Emit(Token::Type::kText, std::move(text), PosAt(content));
      p_ = close + (strip_after ? 3 : 2);
      return strip_after;
    }
    throw TemplateError{PosAt(start), "missing end of raw directive"};
  }

  // Tokens inside {{ }} or {% %}, up to the end delimiter. Returns whether it ended with '-'.
  bool LexTag(char close, size_t start) {
    std::vector<char> balance;
    for (;;) {
      p_ = SkipSpaces(p_);
      if (p_ >= s_.size()) {
        throw TemplateError{PosAt(start), close == '}'
                                              ? "unexpected end of template, expected '}}'"
                                              : "unexpected end of template, expected '%}'"};
      }
      if (balance.empty()) {
        bool dash = s_[p_] == '-' && p_ + 2 < s_.size() && s_[p_ + 1] == close && s_[p_ + 2] == '}';
        bool plain = s_[p_] == close && p_ + 1 < s_.size() && s_[p_ + 1] == '}';
        if (dash || plain) {
          Emit(close == '}' ? Token::Type::kVarEnd : Token::Type::kBlockEnd, "", PosAt(p_));
          p_ += dash ? 3 : 2;
          return dash;
        }
      }
      Position pos = PosAt(p_);
      char c = s_[p_];
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t b = p_;
        while (p_ < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_'))
          ++p_;
        Emit(Token::Type::kName, std::string(s_.substr(b, p_ - b)), pos);
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        LexNumber(pos);
      } else if (c == '\'' || c == '"') {
        LexString(pos);
      } else {
        static const char* kOps[] = {"//", "**", "==", "!=", "<=", ">=", "+", "-", "/",
                                     "*",  "%",  "~",  "<",  ">",  "=",  ".", ",", ":",
                                     "|",  "(",  ")",  "[",  "]",  "{",  "}"};
        std::string op;
        for (const char* o : kOps) {
          if (s_.substr(p_, std::char_traits<char>::length(o)) == o) {
            op = o;
            break;
          }
        }
        if (op.empty())
          throw TemplateError{pos, std::string("unexpected char '") + c + "'"};
        if (op == "(" || op == "[" || op == "{")
          balance.push_back(op[0]);
        if (op == ")" || op == "]" || op == "}") {
          char want = op == ")" ? '(' : op == "]" ? '[' : '{';
          if (balance.empty() || balance.back() != want)
            throw TemplateError{pos, "unexpected '" + op + "'"};
          balance.pop_back();
        }
        p_ += op.size();
        Emit(Token::Type::kOp, op, pos);
      }
    }
  }

  void LexNumber(Position pos) {
    if (s_[p_] == '0' && p_ + 1 < s_.size() && std::strchr("xXoObB", s_[p_ + 1]) != nullptr) {
      int base = std::tolower(static_cast<unsigned char>(s_[p_ + 1])) == 'x'   ? 16
                 : std::tolower(static_cast<unsigned char>(s_[p_ + 1])) == 'o' ? 8
                                                                               : 2;
      size_t b = p_ + 2;
      p_ = b;
      std::string digits;
      while (p_ < s_.size() &&
             (std::isxdigit(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_')) {
        if (s_[p_] != '_')
          digits += s_[p_];
        ++p_;
      }
      Emit(Token::Type::kInt, std::string(s_.substr(b - 2, p_ - b + 2)), pos,
           Value(static_cast<int64_t>(std::strtoll(digits.c_str(), nullptr, base))));
      return;
    }
    size_t b = p_;
    bool is_float = false;
    auto digits = [&] {
      while (p_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_'))
        ++p_;
    };
    digits();
    bool after_dot = b > 0 && s_[b - 1] == '.';  // rows.1.0 is two subscripts, not a float
    if (!after_dot && p_ + 1 < s_.size() && s_[p_] == '.' &&
        std::isdigit(static_cast<unsigned char>(s_[p_ + 1]))) {
      is_float = true;
      ++p_;
      digits();
    }
    if (p_ < s_.size() && (s_[p_] == 'e' || s_[p_] == 'E')) {
      size_t q = p_ + 1;
      if (q < s_.size() && (s_[q] == '+' || s_[q] == '-'))
        ++q;
      if (q < s_.size() && std::isdigit(static_cast<unsigned char>(s_[q]))) {
        is_float = true;
        p_ = q;
        digits();
      }
    }
    std::string text;
    for (char c : s_.substr(b, p_ - b)) {
      if (c != '_')
        text += c;
    }
    if (is_float) {
      Emit(Token::Type::kFloat, text, pos, Value(std::strtod(text.c_str(), nullptr)));
    } else {
      Emit(Token::Type::kInt, text, pos,
           Value(static_cast<int64_t>(std::strtoll(text.c_str(), nullptr, 10))));
    }
  }

  void LexString(Position pos) {
    char q = s_[p_++];
    std::string out;
    for (;;) {
      if (p_ >= s_.size())
        throw TemplateError{pos, "unterminated string"};
      char c = s_[p_++];
      if (c == q)
        break;
      if (c != '\\' || p_ >= s_.size()) {
        out += c;
        continue;
      }
      char e = s_[p_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '\\':
          out += '\\';
          break;
        case '\'':
          out += '\'';
          break;
        case '"':
          out += '"';
          break;
        case '0':
          out += '\0';
          break;
        case 'a':
          out += '\a';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'v':
          out += '\v';
          break;
        case 'x':
        case 'u':
        case 'U': {
          size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (p_ + digits > s_.size())
            throw TemplateError{pos, std::string("truncated \\") + e + " escape"};
          auto cp = static_cast<uint32_t>(
              std::strtoul(std::string(s_.substr(p_, digits)).c_str(), nullptr, 16));
          p_ += digits;
          AppendUtf8(out, cp);
          break;
        }
        case '\n':
          break;
        default:
          out += '\\';
          out += e;
      }
    }
    Emit(Token::Type::kString, out, pos, Value(out));
  }

  std::string_view s_;
  size_t p_ = 0;
  std::vector<Token> tokens_;
  Position origin_;
  size_t cursor_offset_ = 0;
  Position cursor_;
};

class Parser {
 public:
  Parser(std::vector<Token> tokens, std::string name)
      : t_(std::move(tokens)), name_(std::move(name)) {}

  Template Run() {
    Template tpl;
    tpl.name = name_;
    std::string end;
    tpl.body = ParseBody({}, &end);
    return tpl;
  }

 private:
  using T = Token::Type;

  const Token& Cur() const { return t_[i_]; }
  const Token& Next() const { return t_[std::min(i_ + 1, t_.size() - 1)]; }
  void Advance() {
    if (i_ + 1 < t_.size())
      ++i_;
  }
  bool IsOp(const char* op) const { return Cur().type == T::kOp && Cur().text == op; }
  bool IsName(const char* n) const { return Cur().type == T::kName && Cur().text == n; }
  [[noreturn]] void Fail(const std::string& message) const {
    throw TemplateError{Cur().pos, message};
  }

  std::string Describe(const Token& t) const {
    switch (t.type) {
      case T::kBlockEnd:
        return "end of statement block";
      case T::kVarEnd:
        return "end of print statement";
      case T::kEof:
        return "end of template";
      case T::kName:
        return "'" + t.text + "'";
      default:
        return "'" + t.text + "'";
    }
  }

  void Expect(const char* op) {
    if (!IsOp(op))
      Fail(std::string("expected token '") + op + "', got " + Describe(Cur()));
    Advance();
  }
  void ExpectType(T type, const char* what) {
    if (Cur().type != type)
      Fail(std::string("expected ") + what + ", got " + Describe(Cur()));
    Advance();
  }
  std::string ExpectName() {
    if (Cur().type != T::kName)
      Fail("expected a name, got " + Describe(Cur()));
    std::string n = Cur().text;
    Advance();
    return n;
  }

  // Statements up to one of `ends` (the name of the block tag that ends the body).
  Body ParseBody(const std::vector<std::string>& ends, std::string* end_found) {
    Body body;
    for (;;) {
      const Token& tok = Cur();
      if (tok.type == T::kEof) {
        if (!ends.empty()) {
          Fail("unexpected end of template; Jinja was looking for the following tags: '" +
               Join(ends) + "'");
        }
        return body;
      }
      if (tok.type == T::kText) {
        auto s = std::make_unique<Stmt>();
        s->kind = Stmt::Kind::kText;
        s->pos = tok.pos;
        s->text = tok.text;
        body.push_back(std::move(s));
        Advance();
        continue;
      }
      if (tok.type == T::kVarBegin) {
        auto s = std::make_unique<Stmt>();
        s->kind = Stmt::Kind::kPrint;
        s->pos = tok.pos;
        Advance();
        s->expr = ParseTuple(false);
        ExpectType(T::kVarEnd, "end of print statement");
        body.push_back(std::move(s));
        continue;
      }
      if (tok.type != T::kBlockBegin)
        Fail("unexpected " + Describe(tok));
      Advance();
      if (Cur().type != T::kName)
        Fail("tag name expected");
      std::string tag = Cur().text;
      for (const std::string& e : ends) {
        if (tag == e) {
          *end_found = tag;
          return body;
        }
      }
      body.push_back(ParseStatement(tag));
    }
  }

  static std::string Join(const std::vector<std::string>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i)
      out += (i ? "' or '" : "") + v[i];
    return out;
  }

  // After the end tag's name: optional tokens, then %}.
  // Jinja2 accepts (and skips) a colon before the end of a statement tag: `{% if x: %}`.
  void CloseTag() {
    if (IsOp(":"))
      Advance();
    ExpectType(T::kBlockEnd, "end of statement block");
  }

  StmtPtr ParseStatement(const std::string& tag) {
    Position pos = Cur().pos;
    Advance();  // the tag name
    auto s = std::make_unique<Stmt>();
    s->pos = pos;
    if (tag == "if")
      return ParseIf(std::move(s));
    if (tag == "for")
      return ParseFor(std::move(s));
    if (tag == "set")
      return ParseSet(std::move(s));
    if (tag == "macro")
      return ParseMacro(std::move(s));
    if (tag == "call")
      return ParseCallBlock(std::move(s));
    if (tag == "filter")
      return ParseFilterBlock(std::move(s));
    if (tag == "do") {
      s->kind = Stmt::Kind::kDo;
      s->expr = ParseTuple(false);
      CloseTag();
      return s;
    }
    if (tag == "break" || tag == "continue") {
      if (loop_depth_ == 0)
        Fail("'" + tag + "' outside of a loop");
      s->kind = tag == "break" ? Stmt::Kind::kBreak : Stmt::Kind::kContinue;
      CloseTag();
      return s;
    }
    static const char* kUnsupported[] = {"include", "import", "from",      "extends",
                                         "block",   "with",   "autoescape"};
    for (const char* u : kUnsupported) {
      if (tag == u)
        throw TemplateError{pos,
                            "'" + tag + "' is not supported: templates do not read other files"};
    }
    throw TemplateError{pos, "Encountered unknown tag '" + tag + "'."};
  }

  StmtPtr ParseIf(StmtPtr s) {
    s->kind = Stmt::Kind::kIf;
    for (;;) {
      s->conditions.push_back(ParseTuple(false));
      CloseTag();
      std::string end;
      s->bodies.push_back(ParseBody({"elif", "else", "endif"}, &end));
      Advance();
      if (end == "elif")
        continue;
      if (end == "else") {
        CloseTag();
        s->else_body = ParseBody({"endif"}, &end);
        Advance();
      }
      CloseTag();
      return s;
    }
  }

  StmtPtr ParseFor(StmtPtr s) {
    s->kind = Stmt::Kind::kFor;
    bool paren = IsOp("(");
    if (paren)
      Advance();
    s->targets.push_back(ExpectName());
    while (IsOp(",")) {
      Advance();
      if (Cur().type != T::kName)
        break;
      s->targets.push_back(ExpectName());
    }
    if (paren)
      Expect(")");
    if (!IsName("in"))
      Fail("expected 'in', got " + Describe(Cur()));
    Advance();
    s->expr = ParseTuple(true);
    if (IsName("if")) {
      Advance();
      s->condition = ParseExpression(true);
    }
    if (IsName("recursive"))
      Fail("recursive loops are not supported");
    CloseTag();
    ++loop_depth_;
    std::string end;
    s->body = ParseBody({"endfor", "else"}, &end);
    --loop_depth_;
    Advance();
    if (end == "else") {
      CloseTag();
      s->else_body = ParseBody({"endfor"}, &end);
      Advance();
    }
    CloseTag();
    return s;
  }

  StmtPtr ParseSet(StmtPtr s) {
    if (IsOp("(")) {  // {% set (a, b) = … %}
      Advance();
      s->targets.push_back(ExpectName());
      while (IsOp(",")) {
        Advance();
        if (IsOp(")"))
          break;
        s->targets.push_back(ExpectName());
      }
      Expect(")");
      Expect("=");
      s->kind = Stmt::Kind::kSet;
      s->expr = ParseTuple(false);
      CloseTag();
      return s;
    }
    std::string first = ExpectName();
    if (IsOp(".")) {
      Advance();
      s->kind = Stmt::Kind::kSet;
      s->targets.push_back(first);
      s->attribute = ExpectName();
      Expect("=");
      s->expr = ParseTuple(false);
      CloseTag();
      return s;
    }
    s->targets.push_back(first);
    while (IsOp(",")) {
      Advance();
      s->targets.push_back(ExpectName());
    }
    if (IsOp("=")) {
      Advance();
      s->kind = Stmt::Kind::kSet;
      s->expr = ParseTuple(false);
      CloseTag();
      return s;
    }
    if (s->targets.size() != 1)
      Fail("expected token '=', got " + Describe(Cur()));
    s->kind = Stmt::Kind::kSetBlock;
    if (IsOp("|"))
      s->expr = ParseFilterChain(nullptr);
    CloseTag();
    std::string end;
    s->body = ParseBody({"endset"}, &end);
    Advance();
    CloseTag();
    return s;
  }

  void ParseParams(Stmt& s) {
    Expect("(");
    while (!IsOp(")")) {
      if (!s.params.empty())
        Expect(",");
      if (IsOp(")"))
        break;
      Param p;
      p.name = ExpectName();
      if (IsOp("=")) {
        Advance();
        p.default_value = ParseExpression(true);
      }
      s.params.push_back(std::move(p));
    }
    Expect(")");
  }

  // Which of varargs, kwargs and caller a macro body uses (as Jinja2 decides).
  static void ScanNames(const Body& body, Stmt& macro);
  static void ScanExpr(const Expr* e, Stmt& macro);

  StmtPtr ParseMacro(StmtPtr s) {
    s->kind = Stmt::Kind::kMacro;
    s->name = ExpectName();
    ParseParams(*s);
    CloseTag();
    std::string end;
    int saved = loop_depth_;
    loop_depth_ = 0;
    s->body = ParseBody({"endmacro"}, &end);
    loop_depth_ = saved;
    Advance();
    if (Cur().type == T::kName)
      Advance();  // {% endmacro name %}
    CloseTag();
    ScanNames(s->body, *s);
    return s;
  }

  StmtPtr ParseCallBlock(StmtPtr s) {
    s->kind = Stmt::Kind::kCallBlock;
    if (IsOp("("))
      ParseParams(*s);
    s->expr = ParseExpression(true);
    if (s->expr->kind != Expr::Kind::kCall)
      Fail("expected call");
    CloseTag();
    std::string end;
    s->body = ParseBody({"endcall"}, &end);
    Advance();
    CloseTag();
    ScanNames(s->body, *s);
    return s;
  }

  StmtPtr ParseFilterBlock(StmtPtr s) {
    s->kind = Stmt::Kind::kFilterBlock;
    s->expr = ParseFilterChain(nullptr, /*first_without_pipe=*/true);
    CloseTag();
    std::string end;
    s->body = ParseBody({"endfilter"}, &end);
    Advance();
    CloseTag();
    return s;
  }

  // ---- expressions ----
  ExprPtr Make(Expr::Kind kind, Position pos) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->pos = pos;
    return e;
  }

  ExprPtr ParseTuple(bool simplified) {
    Position pos = Cur().pos;
    std::vector<ExprPtr> items;
    bool comma = false;
    for (;;) {
      if (!items.empty()) {
        if (!IsOp(","))
          break;
        Advance();
        comma = true;
      }
      if (IsEndOfTuple())
        break;
      items.push_back(simplified ? ParsePrimaryChain() : ParseExpression(true));
    }
    if (!comma) {
      if (items.empty())
        Fail("Expected an expression, got " + Describe(Cur()));
      return std::move(items[0]);
    }
    auto e = Make(Expr::Kind::kTuple, pos);
    e->items = std::move(items);
    return e;
  }

  bool IsEndOfTuple() const {
    return Cur().type == T::kVarEnd || Cur().type == T::kBlockEnd || Cur().type == T::kEof ||
           IsOp(")") || IsName("if") || IsName("in") || IsOp("=");
  }

  ExprPtr ParsePrimaryChain() { return ParseUnary(true); }

  ExprPtr ParseExpression(bool with_cond) {
    ExprPtr e = ParseOr();
    if (with_cond && IsName("if")) {
      Position pos = Cur().pos;
      Advance();
      auto cond = Make(Expr::Kind::kCond, pos);
      cond->target = ParseOr();
      cond->items.push_back(std::move(e));
      if (IsName("else")) {
        Advance();
        cond->items.push_back(ParseExpression(true));
      } else {
        cond->items.push_back(nullptr);
      }
      return cond;
    }
    return e;
  }

  ExprPtr Binary(const std::string& op, ExprPtr l, ExprPtr r, Position pos) {
    auto e = Make(Expr::Kind::kBinary, pos);
    e->name = op;
    e->target = std::move(l);
    e->right = std::move(r);
    return e;
  }

  ExprPtr ParseOr() {
    ExprPtr e = ParseAnd();
    while (IsName("or")) {
      Position pos = Cur().pos;
      Advance();
      e = Binary("or", std::move(e), ParseAnd(), pos);
    }
    return e;
  }
  ExprPtr ParseAnd() {
    ExprPtr e = ParseNot();
    while (IsName("and")) {
      Position pos = Cur().pos;
      Advance();
      e = Binary("and", std::move(e), ParseNot(), pos);
    }
    return e;
  }
  ExprPtr ParseNot() {
    if (IsName("not")) {
      Position pos = Cur().pos;
      Advance();
      auto e = Make(Expr::Kind::kUnary, pos);
      e->name = "not";
      e->target = ParseNot();
      return e;
    }
    return ParseCompare();
  }
  ExprPtr ParseCompare() {
    Position pos = Cur().pos;
    ExprPtr first = ParseMath1();
    ExprPtr cmp;
    for (;;) {
      std::string op;
      if (Cur().type == T::kOp && (Cur().text == "==" || Cur().text == "!=" || Cur().text == "<" ||
                                   Cur().text == ">" || Cur().text == "<=" || Cur().text == ">=")) {
        op = Cur().text;
        Advance();
      } else if (IsName("in")) {
        op = "in";
        Advance();
      } else if (IsName("not") && Next().type == T::kName && Next().text == "in") {
        op = "not in";
        Advance();
        Advance();
      } else {
        break;
      }
      if (!cmp) {
        cmp = Make(Expr::Kind::kCompare, pos);
        cmp->target = std::move(first);
      }
      cmp->ops.push_back(op);
      cmp->items.push_back(ParseMath1());
    }
    return cmp ? std::move(cmp) : std::move(first);
  }
  ExprPtr ParseMath1() {
    ExprPtr e = ParseConcat();
    while (IsOp("+") || IsOp("-")) {
      std::string op = Cur().text;
      Position pos = Cur().pos;
      Advance();
      e = Binary(op, std::move(e), ParseConcat(), pos);
    }
    return e;
  }
  ExprPtr ParseConcat() {
    ExprPtr e = ParseMath2();
    while (IsOp("~")) {
      Position pos = Cur().pos;
      Advance();
      e = Binary("~", std::move(e), ParseMath2(), pos);
    }
    return e;
  }
  ExprPtr ParseMath2() {
    ExprPtr e = ParsePow();
    while (IsOp("*") || IsOp("/") || IsOp("//") || IsOp("%")) {
      std::string op = Cur().text;
      Position pos = Cur().pos;
      Advance();
      e = Binary(op, std::move(e), ParsePow(), pos);
    }
    return e;
  }
  ExprPtr ParsePow() {
    ExprPtr e = ParseUnary(true);
    while (IsOp("**")) {
      Position pos = Cur().pos;
      Advance();
      e = Binary("**", std::move(e), ParseUnary(true), pos);
    }
    return e;
  }
  ExprPtr ParseUnary(bool with_filter) {
    Position pos = Cur().pos;
    ExprPtr e;
    if (IsOp("-") || IsOp("+")) {
      std::string op = Cur().text;
      Advance();
      e = Make(Expr::Kind::kUnary, pos);
      e->name = op;
      e->target = ParseUnary(false);
    } else {
      e = ParsePrimary();
    }
    e = ParsePostfix(std::move(e));
    if (with_filter)
      e = ParseFilterExpr(std::move(e));
    return e;
  }

  ExprPtr ParsePrimary() {
    const Token& tok = Cur();
    Position pos = tok.pos;
    if (tok.type == T::kName) {
      std::string n = tok.text;
      Advance();
      if (n == "true" || n == "True")
        return Literal(Value(true), pos);
      if (n == "false" || n == "False")
        return Literal(Value(false), pos);
      if (n == "none" || n == "None")
        return Literal(Value::MakeNone(), pos);
      auto e = Make(Expr::Kind::kName, pos);
      e->name = n;
      return e;
    }
    if (tok.type == T::kString) {
      std::string s;
      while (Cur().type == T::kString) {
        s += Cur().text;
        Advance();
      }
      return Literal(Value(s), pos);
    }
    if (tok.type == T::kInt || tok.type == T::kFloat) {
      Value v = tok.value;
      Advance();
      return Literal(v, pos);
    }
    if (IsOp("(")) {
      Advance();
      if (IsOp(")")) {
        Advance();
        auto e = Make(Expr::Kind::kTuple, pos);
        return e;
      }
      ExprPtr e = ParseTuple(false);
      Expect(")");
      return e;
    }
    if (IsOp("[")) {
      Advance();
      auto e = Make(Expr::Kind::kList, pos);
      while (!IsOp("]")) {
        if (!e->items.empty())
          Expect(",");
        if (IsOp("]"))
          break;
        e->items.push_back(ParseExpression(true));
      }
      Expect("]");
      return e;
    }
    if (IsOp("{")) {
      Advance();
      auto e = Make(Expr::Kind::kDict, pos);
      while (!IsOp("}")) {
        if (!e->items.empty())
          Expect(",");
        if (IsOp("}"))
          break;
        e->items.push_back(ParseExpression(true));
        Expect(":");
        e->items.push_back(ParseExpression(true));
      }
      Expect("}");
      return e;
    }
    Fail("unexpected " + Describe(tok));
  }

  ExprPtr Literal(Value v, Position pos) {
    auto e = Make(Expr::Kind::kLiteral, pos);
    e->value = std::move(v);
    return e;
  }

  ExprPtr ParsePostfix(ExprPtr e) {
    for (;;) {
      Position pos = Cur().pos;
      if (IsOp(".")) {
        Advance();
        if (Cur().type == T::kInt) {
          auto g = Make(Expr::Kind::kGetitem, pos);
          g->target = std::move(e);
          g->items.push_back(Literal(Cur().value, Cur().pos));
          Advance();
          e = std::move(g);
          continue;
        }
        auto g = Make(Expr::Kind::kGetattr, pos);
        g->target = std::move(e);
        g->name = ExpectName();
        e = std::move(g);
      } else if (IsOp("[")) {
        Advance();
        e = ParseSubscript(std::move(e), pos);
      } else if (IsOp("(")) {
        e = ParseCall(std::move(e));
      } else {
        return e;
      }
    }
  }

  ExprPtr ParseSubscript(ExprPtr target, Position pos) {
    ExprPtr parts[3];
    bool slice = false;
    int index = 0;
    while (!IsOp("]")) {
      if (IsOp(":")) {
        slice = true;
        ++index;
        if (index > 2)
          Fail("invalid slice");
        Advance();
        continue;
      }
      parts[index] = ParseExpression(true);
      if (!IsOp(":") && !IsOp("]")) {
        if (IsOp(",") && !slice) {  // a[1, 2] -> tuple key
          auto t = Make(Expr::Kind::kTuple, pos);
          t->items.push_back(std::move(parts[0]));
          while (IsOp(",")) {
            Advance();
            if (IsOp("]"))
              break;
            t->items.push_back(ParseExpression(true));
          }
          parts[0] = std::move(t);
          continue;
        }
        Fail("expected ']'");
      }
    }
    Expect("]");
    if (slice) {
      auto e = Make(Expr::Kind::kSlice, pos);
      e->target = std::move(target);
      for (auto& p : parts)
        e->items.push_back(std::move(p));
      return e;
    }
    if (!parts[0])
      Fail("expected a subscript");
    auto e = Make(Expr::Kind::kGetitem, pos);
    e->target = std::move(target);
    e->items.push_back(std::move(parts[0]));
    return e;
  }

  void ParseCallArgs(CallArgs& call) {
    Expect("(");
    bool first = true;
    while (!IsOp(")")) {
      if (!first)
        Expect(",");
      first = false;
      if (IsOp(")"))
        break;
      if (IsOp("*")) {
        Advance();
        call.star = ParseExpression(true);
      } else if (IsOp("**")) {
        Advance();
        call.double_star = ParseExpression(true);
      } else if (Cur().type == T::kName && Next().type == T::kOp && Next().text == "=") {
        std::string key = Cur().text;
        Advance();
        Advance();
        call.keywords.emplace_back(key, ParseExpression(true));
      } else {
        if (!call.keywords.empty())
          Fail("invalid syntax for function call expression");
        call.positional.push_back(ParseExpression(true));
      }
    }
    Expect(")");
  }

  ExprPtr ParseCall(ExprPtr target) {
    auto e = Make(Expr::Kind::kCall, Cur().pos);
    e->target = std::move(target);
    ParseCallArgs(e->call);
    return e;
  }

  ExprPtr ParseFilterExpr(ExprPtr e) {
    for (;;) {
      if (IsOp("|")) {
        e = ParseFilterChain(std::move(e));
      } else if (IsName("is")) {
        e = ParseTest(std::move(e));
      } else if (IsOp("(")) {
        e = ParseCall(std::move(e));
      } else {
        return e;
      }
    }
  }

  ExprPtr ParseFilterChain(ExprPtr target, bool first_without_pipe = false) {
    bool first = true;
    while (IsOp("|") || (first && first_without_pipe)) {
      if (!(first && first_without_pipe))
        Advance();
      first = false;
      auto f = Make(Expr::Kind::kFilter, Cur().pos);
      f->name = ExpectName();
      while (IsOp(".")) {  // dotted filter names
        Advance();
        f->name += "." + ExpectName();
      }
      if (IsOp("("))
        ParseCallArgs(f->call);
      f->target = std::move(target);
      target = std::move(f);
    }
    return target;
  }

  ExprPtr ParseTest(ExprPtr target) {
    auto e = Make(Expr::Kind::kTest, Cur().pos);
    Advance();  // is
    if (IsName("not")) {
      e->negated = true;
      Advance();
    }
    e->name = ExpectName();
    while (IsOp(".")) {
      Advance();
      e->name += "." + ExpectName();
    }
    e->target = std::move(target);
    if (IsOp("(")) {
      ParseCallArgs(e->call);
    } else if ((Cur().type == T::kName && !IsName("else") && !IsName("or") && !IsName("and") &&
                !IsName("if") && !IsName("in") && !IsName("is") && !IsName("not")) ||
               Cur().type == T::kString || Cur().type == T::kInt || Cur().type == T::kFloat ||
               IsOp("[") || IsOp("{") || IsOp("-")) {
      e->call.positional.push_back(ParseUnary(false));
    }
    return e;
  }

  std::vector<Token> t_;
  size_t i_ = 0;
  std::string name_;
  int loop_depth_ = 0;
};

void Parser::ScanExpr(const Expr* e, Stmt& macro) {
  if (e == nullptr)
    return;
  if (e->kind == Expr::Kind::kName) {
    if (e->name == "varargs")
      macro.has_varargs = true;
    if (e->name == "kwargs")
      macro.has_kwargs = true;
    if (e->name == "caller")
      macro.has_caller = true;
  }
  ScanExpr(e->target.get(), macro);
  ScanExpr(e->right.get(), macro);
  for (const auto& i : e->items)
    ScanExpr(i.get(), macro);
  for (const auto& a : e->call.positional)
    ScanExpr(a.get(), macro);
  for (const auto& [k, a] : e->call.keywords)
    ScanExpr(a.get(), macro);
  ScanExpr(e->call.star.get(), macro);
  ScanExpr(e->call.double_star.get(), macro);
}

void Parser::ScanNames(const Body& body, Stmt& macro) {
  for (const StmtPtr& s : body) {
    if (s->kind == Stmt::Kind::kMacro)
      continue;  // a nested macro has its own
    ScanExpr(s->expr.get(), macro);
    ScanExpr(s->condition.get(), macro);
    for (const auto& c : s->conditions)
      ScanExpr(c.get(), macro);
    for (const auto& b : s->bodies)
      ScanNames(b, macro);
    ScanNames(s->body, macro);
    ScanNames(s->else_body, macro);
    for (const Param& p : s->params)
      ScanExpr(p.default_value.get(), macro);
  }
}

}  // namespace

Template Parse(std::string_view source, std::string name, Position origin) {
  std::string text = NormalizeNewlines(source);
  Lexer lexer(text, origin);
  Parser parser(lexer.Run(), std::move(name));
  return parser.Run();
}

}  // namespace floe::jinja
