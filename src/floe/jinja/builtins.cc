#include "floe/jinja/builtins.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>

#include "floe/base/json_text.h"
#include "floe/jinja/parser.h"
#include "floe/jinja/render.h"

namespace floe::jinja {
namespace {

[[noreturn]] void Throw(Position pos, std::string message) {
  throw TemplateError{pos, std::move(message)};
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string Upper(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Strip(const std::string& s, const Value& chars, bool left, bool right) {
  auto strip_char = [&](char c) {
    if (chars.is_string())
      return chars.as_string().find(c) != std::string::npos;
    return IsSpace(c);
  };
  size_t b = 0;
  size_t e = s.size();
  if (left) {
    while (b < e && strip_char(s[b]))
      ++b;
  }
  if (right) {
    while (e > b && strip_char(s[e - 1]))
      --e;
  }
  return s.substr(b, e - b);
}

std::string Replace(const std::string& s, const std::string& from, const std::string& to,
                    int64_t count) {
  if (from.empty()) {
    std::string out;
    int64_t n = 0;
    List chars = Utf8Chars(s);
    for (const Value& c : chars) {
      if (count < 0 || n < count) {
        out += to;
        ++n;
      }
      out += c.as_string();
    }
    if (count < 0 || n < count)
      out += to;
    return out;
  }
  std::string out;
  size_t pos = 0;
  int64_t n = 0;
  for (;;) {
    size_t f = s.find(from, pos);
    if (f == std::string::npos || (count >= 0 && n >= count))
      break;
    out += s.substr(pos, f - pos) + to;
    pos = f + from.size();
    ++n;
  }
  return out + s.substr(pos);
}

List Split(const std::string& s, const Value& sep, int64_t maxsplit) {
  List out;
  if (!sep.is_string()) {
    size_t i = 0;
    int64_t n = 0;
    while (i < s.size()) {
      while (i < s.size() && IsSpace(s[i]))
        ++i;
      if (i >= s.size())
        break;
      if (maxsplit >= 0 && n >= maxsplit) {
        size_t e = s.size();
        while (e > i && IsSpace(s[e - 1]))
          --e;
        out.emplace_back(s.substr(i, e - i));
        return out;
      }
      size_t b = i;
      while (i < s.size() && !IsSpace(s[i]))
        ++i;
      out.emplace_back(s.substr(b, i - b));
      ++n;
    }
    return out;
  }
  std::string d(sep.as_string());
  size_t pos = 0;
  int64_t n = 0;
  for (;;) {
    size_t f = s.find(d, pos);
    if (f == std::string::npos || (maxsplit >= 0 && n >= maxsplit))
      break;
    out.emplace_back(s.substr(pos, f - pos));
    pos = f + d.size();
    ++n;
  }
  out.emplace_back(s.substr(pos));
  return out;
}

std::string Title(const std::string& s) {
  std::string out = s;
  bool start = true;
  for (char& c : out) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      c = static_cast<char>(start ? std::toupper(static_cast<unsigned char>(c))
                                  : std::tolower(static_cast<unsigned char>(c)));
      start = false;
    } else {
      start = true;
    }
  }
  return out;
}

std::string Capitalize(const std::string& s) {
  std::string out = Lower(s);
  if (!out.empty())
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

int64_t ToInt(const Value& v, Position pos, const char* what) {
  if (v.is_int() || v.is_bool())
    return v.as_int();
  if (v.is_float())
    return static_cast<int64_t>(v.as_double());
  Throw(pos, std::string(what) + " must be an integer, not " + v.TypeName());
}

// Python's format-spec mini-language: [[fill]align][sign][0][width][,][.precision][type].
std::string FormatSpec(const Value& v, const std::string& spec, Position pos) {
  if (spec.empty())
    return v.Str();
  size_t i = 0;
  std::string fill = " ";
  char align = '\0';
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (spec.size() >= 2 && is_align(spec[1])) {
    fill = spec.substr(0, 1);
    align = spec[1];
    i = 2;
  } else if (is_align(spec[0])) {
    align = spec[0];
    i = 1;
  }
  char sign = '-';
  if (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' '))
    sign = spec[i++];
  bool zero = false;
  if (i < spec.size() && spec[i] == '0') {
    zero = true;
    ++i;
  }
  size_t width = 0;
  while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i])))
    width = width * 10 + static_cast<size_t>(spec[i++] - '0');
  bool thousands = false;
  if (i < spec.size() && (spec[i] == ',' || spec[i] == '_')) {
    thousands = true;
    ++i;
  }
  int precision = -1;
  if (i < spec.size() && spec[i] == '.') {
    ++i;
    precision = 0;
    while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i])))
      precision = precision * 10 + (spec[i++] - '0');
  }
  char type = i < spec.size() ? spec[i++] : '\0';
  if (i != spec.size())
    Throw(pos, "Invalid format specifier");
  std::string body;
  bool numeric = v.is_number() && type != 's';
  if (numeric) {
    char buf[128];
    if (type == 'f' || type == 'F' || type == 'e' || type == 'E' || type == '%' ||
        (type == '\0' && v.is_float() && precision >= 0)) {
      double d = v.as_double() * (type == '%' ? 100 : 1);
      char conv = type == '%' || type == '\0' ? 'f' : type;
      std::snprintf(buf, sizeof buf, "%.*f", precision < 0 ? 6 : precision, d);
      if (conv == 'e' || conv == 'E')
        std::snprintf(buf, sizeof buf, conv == 'e' ? "%.*e" : "%.*E", precision < 0 ? 6 : precision,
                      d);
      body = buf;
      if (type == '%')
        body += '%';
    } else if (type == 'x' || type == 'X' || type == 'o' || type == 'b') {
      int64_t n = v.as_int();
      if (type == 'b') {
        uint64_t u = static_cast<uint64_t>(n < 0 ? -n : n);
        std::string bits;
        do {
          bits.insert(bits.begin(), static_cast<char>('0' + (u & 1)));
          u >>= 1;
        } while (u != 0);
        body = (n < 0 ? "-" : "") + bits;
      } else {
        std::snprintf(buf, sizeof buf,
                      type == 'x'   ? "%llx"
                      : type == 'X' ? "%llX"
                                    : "%llo",
                      static_cast<long long>(n));
        body = buf;
      }
    } else {
      body = v.is_float() ? FormatFloat(v.as_double()) : std::to_string(v.as_int());
    }
    if (thousands) {
      size_t digits_end = body.find_first_of(".e%");
      if (digits_end == std::string::npos)
        digits_end = body.size();
      size_t digits_start = body[0] == '-' ? 1 : 0;
      for (auto k = static_cast<int64_t>(digits_end) - 3; k > static_cast<int64_t>(digits_start);
           k -= 3) {
        body.insert(static_cast<size_t>(k), 1, spec.find('_') != std::string::npos ? '_' : ',');
      }
    }
    if (sign != '-' && body[0] != '-')
      body.insert(body.begin(), sign);
  } else {
    body = v.Str();
    if (precision >= 0) {
      List chars = Utf8Chars(body);
      if (chars.size() > static_cast<size_t>(precision)) {
        body.clear();
        for (int k = 0; k < precision; ++k)
          body += chars[static_cast<size_t>(k)].as_string();
      }
    }
  }
  size_t length = Utf8Chars(body).size();
  if (width <= length)
    return body;
  size_t pad = width - length;
  if (align == '\0')
    align = numeric ? '>' : '<';
  if (zero && align == '>' && numeric && fill == " ") {
    size_t sign_len = (body[0] == '-' || body[0] == '+' || body[0] == ' ') ? 1 : 0;
    return body.substr(0, sign_len) + std::string(pad, '0') + body.substr(sign_len);
  }
  auto repeat = [&](size_t n) {
    std::string out;
    for (size_t k = 0; k < n; ++k)
      out += fill;
    return out;
  };
  if (align == '<')
    return body + repeat(pad);
  if (align == '^')
    return repeat(pad / 2) + body + repeat(pad - pad / 2);
  return repeat(pad) + body;
}

// Python's str.format with {}, {0} and {name} fields (format specs after ':' are applied for
// the common cases s, d, f).
std::string FormatBraces(const std::string& fmt, Arguments& args, Position pos) {
  std::string out;
  size_t auto_index = 0;
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
      out += '}';
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    size_t end = fmt.find('}', i);
    if (end == std::string::npos)
      Throw(pos, "Single '{' encountered in format string");
    std::string field = fmt.substr(i + 1, end - i - 1);
    std::string spec;
    if (size_t colon = field.find(':'); colon != std::string::npos) {
      spec = field.substr(colon + 1);
      field = field.substr(0, colon);
    }
    // The field: an index or a name, then .attribute and [index] parts.
    size_t head_end = field.find_first_of(".[");
    std::string head = field.substr(0, head_end);
    Value v;
    if (head.empty()) {
      if (auto_index >= args.positional.size())
        Throw(pos, "Replacement index " + std::to_string(auto_index) +
                       " out of range for positional args tuple");
      v = args.positional[auto_index++];
    } else if (std::isdigit(static_cast<unsigned char>(head[0]))) {
      auto index = static_cast<size_t>(std::atoi(head.c_str()));
      if (index >= args.positional.size())
        Throw(pos, "Replacement index " + head + " out of range for positional args tuple");
      v = args.positional[index];
    } else {
      if (!args.Has(static_cast<size_t>(-1), head))
        Throw(pos, "'" + head + "'");
      v = args.Get(static_cast<size_t>(-1), head);
    }
    for (size_t k = head_end; k != std::string::npos && k < field.size();) {
      if (field[k] == '.') {
        size_t next = field.find_first_of(".[", k + 1);
        std::string name =
            field.substr(k + 1, next == std::string::npos ? std::string::npos : next - k - 1);
        v = v.is_dict() && v.as_dict().FindKey(name) != nullptr ? *v.as_dict().FindKey(name)
                                                                : Value::MakeUndefined(name);
        k = next;
      } else {
        size_t close = field.find(']', k);
        if (close == std::string::npos)
          Throw(pos, "Missing ']' in format string");
        std::string key = field.substr(k + 1, close - k - 1);
        if (!key.empty() && std::isdigit(static_cast<unsigned char>(key[0])) && v.is_list()) {
          auto index = static_cast<size_t>(std::atoi(key.c_str()));
          v = index < v.as_list().size() ? v.as_list()[index] : Value::MakeUndefined(key);
        } else if (v.is_dict()) {
          const Value* f = v.as_dict().FindKey(key);
          v = f != nullptr ? *f : Value::MakeUndefined(key);
        }
        k = close + 1;
      }
    }
    out += FormatSpec(v, spec, pos);
    i = end;
  }
  return out;
}

// Python's printf-style `format % values`.
std::string Percent(const std::string& fmt, const Value& values, Position pos) {
  List args;
  const Dict* mapping = nullptr;
  if (values.is_tuple()) {
    args = values.as_list();
  } else if (values.is_dict()) {
    mapping = &values.as_dict();
  } else {
    args.push_back(values);
  }
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    ++i;
    if (i >= fmt.size())
      Throw(pos, "incomplete format");
    if (fmt[i] == '%') {
      out += '%';
      continue;
    }
    Value v;
    if (fmt[i] == '(' && mapping != nullptr) {
      size_t close = fmt.find(')', i);
      if (close == std::string::npos)
        Throw(pos, "incomplete format key");
      const Value* found = mapping->Find(std::string_view(fmt).substr(i + 1, close - i - 1));
      if (found == nullptr)
        Throw(pos, "'" + fmt.substr(i + 1, close - i - 1) + "'");
      v = *found;
      i = close + 1;
    } else {
      if (next >= args.size())
        Throw(pos, "not enough arguments for format string");
      v = args[next++];
    }
    std::string flags;
    while (i < fmt.size() && (std::isdigit(static_cast<unsigned char>(fmt[i])) || fmt[i] == '.' ||
                              fmt[i] == '-' || fmt[i] == '+' || fmt[i] == ' ' || fmt[i] == '#')) {
      flags += fmt[i++];
    }
    if (i >= fmt.size())
      Throw(pos, "incomplete format");
    char conv = fmt[i];
    char buf[128];
    std::string spec = "%" + flags;
    switch (conv) {
      case 's':
        std::snprintf(buf, sizeof buf, (spec + "s").c_str(), v.Str().c_str());
        out += v.Str().size() < 100 ? std::string(buf) : v.Str();
        break;
      case 'r':
        out += v.Repr();
        break;
      case 'd':
      case 'i':
        if (!v.is_number())
          Throw(pos, "%d format: a real number is required, not " + v.TypeName());
        std::snprintf(
            buf, sizeof buf, (spec + "lld").c_str(),
            static_cast<long long>(v.is_float() ? std::trunc(v.as_double()) : v.as_int()));
        out += buf;
        break;
      case 'x':
      case 'X':
      case 'o':
        if (!v.is_int() && !v.is_bool())
          Throw(pos,
                std::string("%") + conv + " format: an integer is required, not " + v.TypeName());
        std::snprintf(buf, sizeof buf, (spec + "ll" + conv).c_str(),
                      static_cast<long long>(v.as_int()));
        out += buf;
        break;
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
        if (!v.is_number())
          Throw(pos, "must be real number, not " + v.TypeName());
        std::snprintf(buf, sizeof buf, (spec + conv).c_str(), v.as_double());
        out += buf;
        break;
      default:
        Throw(pos, std::string("unsupported format character '") + conv + "'");
    }
  }
  if (mapping == nullptr && next < args.size())
    Throw(pos, "not all arguments converted during string formatting");
  return out;
}

double PyMod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0 && ((m < 0) != (b < 0)))
    m += b;
  return m;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    --q;
  return q;
}

Value AttributeOf(Interpreter& in, const Value& item, const Value& attribute, Position pos) {
  // "a.b.c" and integer attributes (map(attribute=0) over rows).
  if (attribute.is_int() && item.is_list()) {
    int64_t i = attribute.as_int();
    auto n = static_cast<int64_t>(item.as_list().size());
    if (i < 0)
      i += n;
    if (i >= 0 && i < n)
      return item.as_list()[static_cast<size_t>(i)];
    return Value::MakeUndefined(attribute.Str());
  }
  (void)in;
  Value v = item;
  std::string path = attribute.Str();
  size_t start = 0;
  for (;;) {
    size_t dot = path.find('.', start);
    std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (v.is_dict()) {
      const Value* f = v.as_dict().FindKey(part);
      v = f != nullptr ? *f : Value::MakeUndefined(part);
    } else if (v.is_list() && !part.empty() && std::isdigit(static_cast<unsigned char>(part[0]))) {
      size_t i = static_cast<size_t>(std::atoll(part.c_str()));
      v = i < v.as_list().size() ? v.as_list()[i] : Value::MakeUndefined(part);
    } else if (v.is_object()) {  // a host object (a dbt Column, Relation): its attribute
      v = v.as_object()->Attr(part);
    } else {
      v = Value::MakeUndefined(part);
    }
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  (void)pos;
  return v;
}

bool SortLess(const Value& a, const Value& b, bool case_sensitive, Position pos) {
  bool ok = true;
  if (!case_sensitive && a.is_string() && b.is_string())
    return Lower(a.Str()) < Lower(b.Str());
  bool r = a.Less(b, &ok);
  if (!ok)
    Throw(pos, "'<' not supported between instances of '" + a.TypeName() + "' and '" +
                   b.TypeName() + "'");
  return r;
}

std::string ToJsonText(const Value& v, int indent, int depth);

// Jinja2's htmlsafe_json_dumps: JSON, with <, >, & and ' escaped too (safe inside HTML).
std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      case '\'':
        out += "\\u0027";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\')
          AppendJsonEscape(out, static_cast<unsigned char>(c));
        else
          out += c;
    }
  }
  return out + "\"";
}

// json.dumps' ensure_ascii: every non-ASCII character as \uXXXX (surrogate pairs above U+FFFF).
std::string AsciiOnly(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += s[i++];
      continue;
    }
    size_t n = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    uint32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < n && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    char buf[16];
    if (cp >= 0x10000) {
      cp -= 0x10000;
      std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
    } else {
      std::snprintf(buf, sizeof buf, "\\u%04x", cp);
    }
    out += buf;
  }
  return out;
}

// json.dumps(sort_keys=True) with Jinja2's HTML-safe escaping of < > & '.
std::string ToJsonText(const Value& v, int indent, int depth) {
  if (v.is_none() || v.is_undefined())
    return "null";
  if (v.is_bool())
    return v.as_bool() ? "true" : "false";
  if (v.is_int())
    return std::to_string(v.as_int());
  if (v.is_float())
    return FormatFloat(v.as_double());
  if (v.is_string())
    return JsonString(v.Str());
  std::string nl =
      indent > 0 ? "\n" + std::string(static_cast<size_t>(indent * (depth + 1)), ' ') : "";
  std::string close_nl =
      indent > 0 ? "\n" + std::string(static_cast<size_t>(indent * depth), ' ') : "";
  std::string sep = indent > 0 ? "," : ", ";
  if (v.is_list()) {
    if (v.as_list().empty())
      return "[]";
    std::string out = "[";
    bool first = true;
    for (const Value& item : v.as_list()) {
      out += (first ? "" : sep) + nl + ToJsonText(item, indent, depth + 1);
      first = false;
    }
    return out + close_nl + "]";
  }
  if (v.is_dict()) {
    if (v.as_dict().size() == 0)
      return "{}";
    std::vector<std::pair<std::string, const Value*>> items;
    for (const auto& [k, val] : v.as_dict().entries())
      items.emplace_back(k.Str(), &val);
    std::stable_sort(items.begin(), items.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = "{";
    bool first = true;
    for (const auto& [k, val] : items) {
      out += (first ? "" : sep) + nl + JsonString(k) + ": " + ToJsonText(*val, indent, depth + 1);
      first = false;
    }
    return out + close_nl + "}";
  }
  return "null";
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

using Filter = std::function<Value(Interpreter&, const Value&, Arguments&, Position)>;
using Test = std::function<bool(Interpreter&, const Value&, Arguments&, Position)>;

Value SelectOrReject(Interpreter& in, const Value& input, Arguments& args, Position pos,
                     bool select, bool by_attribute) {
  List out;
  size_t first = 0;
  Value attribute;
  if (by_attribute) {
    attribute = args.Get(0, "attribute");
    first = 1;
  }
  std::string test = args.positional.size() > first ? args.positional[first].Str() : "";
  Arguments test_args;
  for (size_t i = first + 1; i < args.positional.size(); ++i)
    test_args.positional.push_back(args.positional[i]);
  for (const Value& item : Iterate(input, pos)) {
    Value subject = by_attribute ? AttributeOf(in, item, attribute, pos) : item;
    bool r = test.empty() ? subject.Truthy() : in.ApplyTest(test, subject, test_args, pos);
    if (r == select)
      out.push_back(item);
  }
  return Value(std::move(out));
}

const std::map<std::string, Filter>& Filters() {
  static const std::map<std::string, Filter> kFilters = [] {
    std::map<std::string, Filter> f;
    f["abs"] = [](Interpreter&, const Value& v, Arguments&, Position pos) {
      if (v.is_float())
        return Value(std::fabs(v.as_double()));
      if (v.is_int() || v.is_bool())
        return Value(static_cast<int64_t>(std::llabs(v.as_int())));
      Throw(pos, "bad operand type for abs(): '" + v.TypeName() + "'");
    };
    f["attr"] = [](Interpreter& in, const Value& v, Arguments& a, Position pos) {
      Value name = a.Get(0, "name");
      if (v.is_dict() && !BoundMethod(v, name.Str()).is_undefined())
        return BoundMethod(v, name.Str());
      Value m = BoundMethod(v, name.Str());
      (void)in;
      (void)pos;
      return m.is_undefined() ? Value::MakeUndefined(name.Str()) : m;
    };
    f["batch"] = [](Interpreter&, const Value& v, Arguments& a, Position pos) {
      int64_t size = ToInt(a.Get(0, "linecount"), pos, "linecount");
      Value fill = a.Get(1, "fill_with");
      List out;
      List cur;
      for (const Value& item : Iterate(v, pos)) {
        cur.push_back(item);
        if (static_cast<int64_t>(cur.size()) == size) {
          out.emplace_back(std::move(cur));
          cur = List();
        }
      }
      if (!cur.empty()) {
        if (!fill.is_undefined()) {
          while (static_cast<int64_t>(cur.size()) < size)
            cur.push_back(fill);
        }
        out.emplace_back(std::move(cur));
      }
      return Value(std::move(out));
    };
    f["capitalize"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return Value(Capitalize(v.Str()));
    };
    f["center"] = [](Interpreter&, const Value& v, Arguments& a, Position pos) {
      std::string s = v.Str();
      int64_t width = a.Has(0, "width") ? ToInt(a.Get(0, "width"), pos, "width") : 80;
      auto len = static_cast<int64_t>(Utf8Chars(s).size());
      if (width <= len)
        return Value(s);
      int64_t total = width - len;
      int64_t left = total / 2 + (total & width & 1);
      return Value(std::string(static_cast<size_t>(left), ' ') + s +
                   std::string(static_cast<size_t>(total - left), ' '));
    };
    f["default"] = [](Interpreter&, const Value& v, Arguments& a, Position) {
      Value fallback = a.Get(0, "default_value", Value(""));
      bool boolean = a.Get(1, "boolean", Value(false)).Truthy();
      if (v.is_undefined() || (boolean && !v.Truthy()))
        return fallback;
      return v;
    };
    f["d"] = f["default"];
    f["dictsort"] = [](Interpreter&, const Value& v, Arguments& a, Position pos) {
      if (!v.is_dict())
        Throw(pos, "dictsort requires a dict");
      bool case_sensitive = a.Get(0, "case_sensitive", Value(false)).Truthy();
      std::string by = a.Get(1, "by", Value("key")).Str();
      bool reverse = a.Get(2, "reverse", Value(false)).Truthy();
      List items;
      for (const auto& [k, val] : v.as_dict().entries())
        items.emplace_back(List{k, val}, true);
      size_t idx = by == "value" ? 1 : 0;
      std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
        return SortLess(x.as_list()[idx], y.as_list()[idx], case_sensitive, pos);
      });
      if (reverse)
        std::reverse(items.begin(), items.end());
      return Value(std::move(items));
    };
    f["escape"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return Value(HtmlEscape(v.Str()));
    };
    f["e"] = f["escape"];
    f["forceescape"] = f["escape"];
    f["first"] = [](Interpreter&, const Value& v, Arguments&, Position pos) {
      List items = Iterate(v, pos);
      return items.empty() ? Value::MakeUndefined("first") : items.front();
    };
    f["last"] = [](Interpreter&, const Value& v, Arguments&, Position pos) {
      List items = Iterate(v, pos);
      return items.empty() ? Value::MakeUndefined("last") : items.back();
    };
    f["float"] = [](Interpreter&, const Value& v, Arguments& a, Position) {
      if (v.is_number())
        return Value(v.as_double());
      if (v.is_string()) {
        std::string s(v.as_string());
        char* end = nullptr;
        double d = std::strtod(s.c_str(), &end);
        std::string rest = Strip(end, Value(), true, true);
        if (end != s.c_str() && rest.empty())
          return Value(d);
      }
      return a.Get(0, "default", Value(0.0));
    };
    f["int"] = [](Interpreter&, const Value& v, Arguments& a, Position) {
      Value fallback = a.Get(0, "default", Value(0));
      int64_t base = a.Has(1, "base") ? a.Get(1, "base").as_int() : 10;
      if (v.is_float())
        return Value(static_cast<int64_t>(v.as_double()));
      if (v.is_int() || v.is_bool())
        return Value(v.as_int());
      if (v.is_string()) {
        std::string s = Strip(v.Str(), Value(), true, true);
        char* end = nullptr;
        long long i = std::strtoll(s.c_str(), &end, static_cast<int>(base));
        if (!s.empty() && *end == '\0')
          return Value(static_cast<int64_t>(i));
        double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && *end == '\0')
          return Value(static_cast<int64_t>(d));
      }
      return fallback;
    };
    f["format"] = [](Interpreter&, const Value& v, Arguments& a, Position pos) {
      if (!a.keywords.empty()) {
        Dict d;
        for (auto& [k, val] : a.keywords)
          d.Set(Value(k), val);
        return Value(Percent(v.Str(), Value(std::move(d)), pos));
      }
      return Value(Percent(v.Str(), Value(a.positional, true), pos));
    };
    f["indent"] = [](Interpreter&, const Value& v, Arguments& a, Position pos) {
      Value width = a.Get(0, "width", Value(4));
      std::string pad = width.is_string()
                            ? width.Str()
                            : std::string(static_cast<size_t>(ToInt(width, pos, "width")), ' ');
      bool first = a.Get(1, "first", Value(false)).Truthy();
      bool blank = a.Get(2, "blank", Value(false)).Truthy();
      std::string s = v.Str();
      std::string out;
      size_t start = 0;
      bool is_first = true;
      for (;;) {
        size_t nl = s.find('\n', start);
        std::string line =
            s.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        bool indent_it = is_first ? first : (blank || !line.empty());
        if (is_first && !first)
          indent_it = false;
        out += (indent_it && !(line.empty() && !blank && !is_first) ? pad : "") + line;
        if (nl == std::string::npos)
          break;
        out += '\n';
        start = nl + 1;
        is_first = false;
      }
      return Value(out);
    };
    f["items"] = [](Interpreter&, const Value& v, Arguments&, Position pos) {
      if (v.is_undefined())
        return Value(List());
      if (!v.is_dict())
        Throw(pos, "Can only get item pairs from a mapping.");
      List out;
      for (const auto& [k, val] : v.as_dict().entries())
        out.emplace_back(List{k, val}, true);
      return Value(std::move(out));
    };
    f["join"] = [](Interpreter& in, const Value& v, Arguments& a, Position pos) {
      std::string sep = a.Get(0, "d", Value("")).Str();
      Value attribute = a.Get(1, "attribute");
      std::string out;
      bool first = true;
      for (const Value& item : Iterate(v, pos)) {
        if (!first)
          out += sep;
        first = false;
        out += (attribute.is_undefined() ? item : AttributeOf(in, item, attribute, pos)).Str();
      }
      return Value(out);
    };
    f["length"] = [](Interpreter&, const Value& v, Arguments&, Position pos) {
      if (v.is_string())
        return Value(Utf8Chars(v.Str()).size());
      if (v.is_list())
        return Value(v.as_list().size());
      if (v.is_dict())
        return Value(v.as_dict().size());
      if (v.is_undefined())
        return Value(0);
      if (v.is_object() && v.as_object()->mapping())
        return Value(v.as_object()->Keys().size());
      Throw(pos, "object of type '" + v.TypeName() + "' has no len()");
    };
    f["count"] = f["length"];
    f["list"] = [](Interpreter&, const Value& v, Arguments&, Position pos) {
      return Value(Iterate(v, pos));
    };
    f["lower"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return Value(Lower(v.Str()));
    };
    f["upper"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return Value(Upper(v.Str()));
    };
    f["map"] = [](Interpreter& in, const Value& v, Arguments& a, Position pos) {
      List out;
      Value attribute = a.Get(static_cast<size_t>(-1), "attribute");
      if (!attribute.is_undefined() || (a.positional.empty() && a.Has(0, "attribute"))) {
        Value fallback = a.Get(static_cast<size_t>(-1), "default");
        for (const Value& item : Iterate(v, pos)) {
          Value r = AttributeOf(in, item, attribute, pos);
          out.push_back(r.is_undefined() && !fallback.is_undefined() ? fallback : r);
        }
        return Value(std::move(out));
      }
      if (a.positional.empty())
        Throw(pos, "map requires a filter argument");
      std::string filter = a.positional[0].Str();
      Arguments rest;
      rest.positional.assign(a.positional.begin() + 1, a.positional.end());
      rest.keywords = a.keywords;
      for (const Value& item : Iterate(v, pos))
        out.push_back(in.ApplyFilter(filter, item, rest, pos));
      return Value(std::move(out));
    };
    auto extreme = [](bool want_max) {
      return [want_max](Interpreter& in, const Value& v, Arguments& a, Position pos) {
        bool case_sensitive = a.Get(0, "case_sensitive", Value(false)).Truthy();
        Value attribute = a.Get(1, "attribute");
        List items = Iterate(v, pos);
        if (items.empty())
          return Value::MakeUndefined(want_max ? "max" : "min");
        Value best = items[0];
        for (const Value& item : items) {
          Value x = attribute.is_undefined() ? item : AttributeOf(in, item, attribute, pos);
          Value y = attribute.is_undefined() ? best : AttributeOf(in, best, attribute, pos);
          if (want_max ? SortLess(y, x, case_sensitive, pos) : SortLess(x, y, case_sensitive, pos))
            best = item;
        }
        return best;
      };
    };
    f["max"] = extreme(true);
    f["min"] = extreme(false);
    f["pprint"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      // pprint sorts dict keys (long values are not wrapped here).
      std::function<Value(const Value&)> sorted = [&](const Value& x) -> Value {
        if (x.is_list()) {
          List items;
          for (const Value& i : x.as_list())
            items.push_back(sorted(i));
          return Value(std::move(items), x.is_tuple());
        }
        if (x.is_dict() && !x.as_dict().is_namespace()) {
          std::vector<std::pair<Value, Value>> entries;
          for (const auto& [k, val] : x.as_dict().entries())
            entries.emplace_back(k, val);
          std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
            bool ok = true;
            return a.first.Less(b.first, &ok) && ok;
          });
          Dict d;
          for (auto& [k, val] : entries)
            d.Set(k, sorted(val));
          return Value(std::move(d));
        }
        return x;
      };
      return Value(sorted(v).Repr());
    };
    f["select"] = [](Interpreter& in, const Value& v, Arguments& a, Position pos) {
      return SelectOrReject(in, v, a, pos, true, false);
    };
    f["reject"] = [](Interpreter& in, const Value& v, Arguments& a, Position pos) {
      return SelectOrReject(in, v, a, pos, false, false);
    };
    f["selectattr"] = [](Interpreter& in, const Value& v, Arguments& a, Position pos) {
      return SelectOrReject(in, v, a, pos, true, true);
    };
    f["rejectattr"] = [](Interpreter& in, const Value& v, Arguments& a, Position pos) {
      return SelectOrReject(in, v, a, pos, false, true);
    };
    f["replace"] = [](Interpreter&, const Value& v, Arguments& a, Position) {
      int64_t count = a.Has(2, "count") ? a.Get(2, "count").as_int() : -1;
      return Value(Replace(v.Str(), a.Get(0, "old").Str(), a.Get(1, "new").Str(), count));
    };
    f["reverse"] = [](Interpreter&, const Value& v, Arguments&, Position pos) {
      if (v.is_string()) {
        List chars = Utf8Chars(v.Str());
        std::string out;
        for (auto it = chars.rbegin(); it != chars.rend(); ++it)
          out += it->as_string();
        return Value(out);
      }
      List items = Iterate(v, pos);
      std::reverse(items.begin(), items.end());
      return Value(std::move(items));
    };
    f["round"] = [](Interpreter&, const Value& v, Arguments& a, Position pos) {
      if (!v.is_number())
        Throw(pos, "type " + v.TypeName() + " doesn't define __round__ method");
      int64_t precision =
          a.Has(0, "precision") ? ToInt(a.Get(0, "precision"), pos, "precision") : 0;
      std::string method = a.Get(1, "method", Value("common")).Str();
      double scale = std::pow(10.0, static_cast<double>(precision));
      double x = v.as_double() * scale;
      if (method == "common") {
        if (v.is_int() || v.is_bool())
          return Value(v.as_int());
        return Value(std::nearbyint(x) / scale);  // Python rounds half to even
      }
      if (method != "ceil" && method != "floor")
        Throw(pos, "method must be common, ceil or floor");
      return Value((method == "ceil" ? std::ceil(x) : std::floor(x)) / scale);
    };
    f["safe"] = [](Interpreter&, const Value& v, Arguments&, Position) { return v; };
    f["slice"] = [](Interpreter&, const Value& v, Arguments& a, Position pos) {
      List items = Iterate(v, pos);
      int64_t slices = ToInt(a.Get(0, "slices"), pos, "slices");
      Value fill = a.Get(1, "fill_with");
      auto n = static_cast<int64_t>(items.size());
      int64_t per = n / slices;
      int64_t extra = n % slices;
      int64_t offset = 0;
      List out;
      for (int64_t i = 0; i < slices; ++i) {
        int64_t start = offset + i * per;
        if (i < extra)
          ++offset;
        int64_t end = offset + (i + 1) * per;
        List part(items.begin() + start, items.begin() + end);
        if (!fill.is_undefined() && i >= extra)
          part.push_back(fill);
        out.emplace_back(std::move(part));
      }
      return Value(std::move(out));
    };
    f["sort"] = [](Interpreter& in, const Value& v, Arguments& a, Position pos) {
      bool reverse = a.Get(0, "reverse", Value(false)).Truthy();
      bool case_sensitive = a.Get(1, "case_sensitive", Value(false)).Truthy();
      Value attribute = a.Get(2, "attribute");
      List items = Iterate(v, pos);
      // attribute="a,b" sorts by a, then b.
      List keys;
      if (attribute.is_string()) {
        for (const Value& k : Split(attribute.Str(), Value(","), -1)) {
          keys.emplace_back(Strip(k.Str(), Value(), true, true));
        }
      } else if (!attribute.is_undefined()) {
        keys.push_back(attribute);
      }
      auto key_of = [&](const Value& x) {
        if (keys.empty())
          return x;
        List parts;
        for (const Value& k : keys)
          parts.push_back(AttributeOf(in, x, k, pos));
        return parts.size() == 1 ? parts[0] : Value(std::move(parts), true);
      };
      std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
        Value kx = key_of(x);
        Value ky = key_of(y);
        return reverse ? SortLess(ky, kx, case_sensitive, pos)
                       : SortLess(kx, ky, case_sensitive, pos);
      });
      return Value(std::move(items));
    };
    f["string"] = [](Interpreter&, const Value& v, Arguments&, Position) { return Value(v.Str()); };
    f["striptags"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      std::string s = v.Str();
      std::string out;
      bool in_tag = false;
      for (char c : s) {
        if (c == '<')
          in_tag = true;
        if (!in_tag)
          out += c;
        if (c == '>')
          in_tag = false;
      }
      List words = Split(out, Value(), -1);
      std::string joined;
      for (size_t i = 0; i < words.size(); ++i)
        joined += (i ? " " : "") + words[i].Str();
      return Value(joined);
    };
    f["sum"] = [](Interpreter& in, const Value& v, Arguments& a, Position pos) {
      Value attribute = a.Get(0, "attribute");
      Value total = a.Get(1, "start", Value(0));
      for (const Value& item : Iterate(v, pos)) {
        total = Arithmetic("+", total,
                           attribute.is_undefined() ? item : AttributeOf(in, item, attribute, pos),
                           pos);
      }
      return total;
    };
    f["title"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return Value(Title(v.Str()));
    };
    f["tojson"] = [](Interpreter&, const Value& v, Arguments& a, Position) {
      Value indent = a.Get(0, "indent");
      return Value(
          AsciiOnly(ToJsonText(v, indent.is_int() ? static_cast<int>(indent.as_int()) : 0, 0)));
    };
    f["trim"] = [](Interpreter&, const Value& v, Arguments& a, Position) {
      return Value(Strip(v.Str(), a.Get(0, "chars"), true, true));
    };
    f["truncate"] = [](Interpreter&, const Value& v, Arguments& a, Position pos) {
      std::string s = v.Str();
      int64_t length = a.Has(0, "length") ? ToInt(a.Get(0, "length"), pos, "length") : 255;
      bool killwords = a.Get(1, "killwords", Value(false)).Truthy();
      std::string end = a.Get(2, "end", Value("...")).Str();
      int64_t leeway = a.Has(3, "leeway") ? ToInt(a.Get(3, "leeway"), pos, "leeway") : 5;
      List chars = Utf8Chars(s);
      auto n = static_cast<int64_t>(chars.size());
      if (n <= length + leeway)
        return Value(s);
      int64_t keep = length - static_cast<int64_t>(Utf8Chars(end).size());
      if (keep < 0)
        keep = 0;
      std::string head;
      for (int64_t i = 0; i < keep; ++i)
        head += chars[static_cast<size_t>(i)].as_string();
      if (killwords)
        return Value(head + end);
      size_t space = head.rfind(' ');
      if (space != std::string::npos)
        head = head.substr(0, space);
      return Value(head + end);
    };
    f["unique"] = [](Interpreter& in, const Value& v, Arguments& a, Position pos) {
      bool case_sensitive = a.Get(0, "case_sensitive", Value(false)).Truthy();
      Value attribute = a.Get(1, "attribute");
      List out;
      List seen;
      for (const Value& item : Iterate(v, pos)) {
        Value key = attribute.is_undefined() ? item : AttributeOf(in, item, attribute, pos);
        if (!case_sensitive && key.is_string())
          key = Value(Lower(key.Str()));
        bool dup =
            std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return s.Equals(key); });
        if (dup)
          continue;
        seen.push_back(key);
        out.push_back(item);
      }
      return Value(std::move(out));
    };
    f["wordcount"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      // Python's re \w+: runs of letters, digits, underscores (non-ASCII counts as a letter).
      int64_t words = 0;
      bool in_word = false;
      for (char c : v.Str()) {
        bool w = std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                 (static_cast<unsigned char>(c) & 0x80);
        if (w && !in_word)
          ++words;
        in_word = w;
      }
      return Value(words);
    };
    // dbt's text-environment filters: identity on text, and is_list.
    for (const char* name : {"as_text", "as_bool", "as_number", "as_native"}) {
      f[name] = [](Interpreter&, const Value& v, Arguments&, Position) { return v; };
    }
    f["is_list"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return Value(v.is_list());
    };
    return f;
  }();
  return kFilters;
}

const std::map<std::string, Test>& Tests();

const std::map<std::string, Test>& Tests() {
  static const std::map<std::string, Test> kTests = [] {
    std::map<std::string, Test> t;
    t["boolean"] = [](Interpreter&, const Value& v, Arguments&, Position) { return v.is_bool(); };
    t["callable"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return v.is_callable() || v.is_undefined();  // Jinja2's Undefined defines __call__
    };
    t["defined"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return !v.is_undefined();
    };
    t["undefined"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return v.is_undefined();
    };
    t["divisibleby"] = [](Interpreter&, const Value& v, Arguments& a, Position pos) {
      int64_t d = ToInt(a.Get(0, "num"), pos, "num");
      if (d == 0)
        Throw(pos, "integer division or modulo by zero");
      return ToInt(v, pos, "value") % d == 0;
    };
    t["eq"] = [](Interpreter&, const Value& v, Arguments& a, Position) {
      return v.Equals(a.Get(0, "other"));
    };
    t["equalto"] = t["eq"];
    t["=="] = t["eq"];
    t["ne"] = [](Interpreter&, const Value& v, Arguments& a, Position) {
      return !v.Equals(a.Get(0, "other"));
    };
    t["!="] = t["ne"];
    auto order = [](const char* op) {
      return [op](Interpreter&, const Value& v, Arguments& a, Position pos) {
        return Compare(op, v, a.Get(0, "other"), pos);
      };
    };
    t["lt"] = order("<");
    t["<"] = t["lt"];
    t["lessthan"] = t["lt"];
    t["le"] = order("<=");
    t["<="] = t["le"];
    t["gt"] = order(">");
    t[">"] = t["gt"];
    t["greaterthan"] = t["gt"];
    t["ge"] = order(">=");
    t[">="] = t["ge"];
    t["in"] = [](Interpreter&, const Value& v, Arguments& a, Position pos) {
      return Compare("in", v, a.Get(0, "seq"), pos);
    };
    t["escaped"] = [](Interpreter&, const Value&, Arguments&, Position) { return false; };
    t["even"] = [](Interpreter&, const Value& v, Arguments&, Position pos) {
      return ToInt(v, pos, "value") % 2 == 0;
    };
    t["odd"] = [](Interpreter&, const Value& v, Arguments&, Position pos) {
      return ToInt(v, pos, "value") % 2 != 0;
    };
    t["false"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return v.is_bool() && !v.as_bool();
    };
    t["true"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return v.is_bool() && v.as_bool();
    };
    t["float"] = [](Interpreter&, const Value& v, Arguments&, Position) { return v.is_float(); };
    t["integer"] = [](Interpreter&, const Value& v, Arguments&, Position) { return v.is_int(); };
    t["number"] = [](Interpreter&, const Value& v, Arguments&, Position) { return v.is_number(); };
    t["iterable"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return v.is_list() || v.is_dict() || v.is_string() ||
             (v.is_object() && v.as_object()->mapping());
    };
    t["lower"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return v.is_string() && Lower(v.Str()) == v.as_string() && Upper(v.Str()) != v.as_string();
    };
    t["upper"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return v.is_string() && Upper(v.Str()) == v.as_string() && Lower(v.Str()) != v.as_string();
    };
    t["mapping"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return v.is_dict() || (v.is_object() && v.as_object()->mapping());
    };
    t["none"] = [](Interpreter&, const Value& v, Arguments&, Position) { return v.is_none(); };
    t["sameas"] = [](Interpreter&, const Value& v, Arguments& a, Position) {
      return v.SameAs(a.Get(0, "other"));
    };
    t["sequence"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return v.is_list() || v.is_dict() || v.is_string() ||
             (v.is_object() && v.as_object()->mapping());
    };
    t["string"] = [](Interpreter&, const Value& v, Arguments&, Position) { return v.is_string(); };
    t["filter"] = [](Interpreter&, const Value& v, Arguments&, Position) {
      return v.is_string() && Filters().count(v.Str()) > 0;
    };
    return t;
  }();
  return kTests;
}

Value StringMethod(const std::string& s, const std::string& name) {
  auto fn = [&](NativeFunction f) { return Value::Function(name, std::move(f)); };
  if (name == "lower")
    return fn([s](Interpreter&, Arguments&) { return Value(Lower(s)); });
  if (name == "upper")
    return fn([s](Interpreter&, Arguments&) { return Value(Upper(s)); });
  if (name == "title")
    return fn([s](Interpreter&, Arguments&) { return Value(Title(s)); });
  if (name == "capitalize")
    return fn([s](Interpreter&, Arguments&) { return Value(Capitalize(s)); });
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    bool l = name != "rstrip";
    bool r = name != "lstrip";
    return fn(
        [s, l, r](Interpreter&, Arguments& a) { return Value(Strip(s, a.Get(0, "chars"), l, r)); });
  }
  if (name == "replace") {
    return fn([s](Interpreter&, Arguments& a) {
      int64_t count = a.Has(2, "count") ? a.Get(2, "count").as_int() : -1;
      return Value(Replace(s, a.Get(0, "old").Str(), a.Get(1, "new").Str(), count));
    });
  }
  if (name == "split") {
    return fn([s](Interpreter&, Arguments& a) {
      Value sep = a.Get(0, "sep");
      if (sep.is_none())
        sep = Value();
      int64_t maxsplit = a.Has(1, "maxsplit") ? a.Get(1, "maxsplit").as_int() : -1;
      return Value(Split(s, sep, maxsplit));
    });
  }
  if (name == "startswith" || name == "endswith") {
    bool starts = name == "startswith";
    return fn([s, starts](Interpreter&, Arguments& a) {
      Value arg = a.Get(0, "prefix");
      List options = arg.is_list() ? arg.as_list() : List{arg};
      for (const Value& o : options) {
        const std::string p = o.Str();
        if (p.size() > s.size())
          continue;
        if (starts ? s.compare(0, p.size(), p) == 0
                   : s.compare(s.size() - p.size(), p.size(), p) == 0) {
          return Value(true);
        }
      }
      return Value(false);
    });
  }
  if (name == "format") {
    return fn([s](Interpreter&, Arguments& a) { return Value(FormatBraces(s, a, Position{})); });
  }
  if (name == "join") {
    return fn([s](Interpreter&, Arguments& a) {
      std::string out;
      bool first = true;
      for (const Value& item : Iterate(a.Get(0, "iterable"), Position{})) {
        if (!first)
          out += s;
        first = false;
        out += item.Str();
      }
      return Value(out);
    });
  }
  if (name == "find" || name == "index" || name == "count" || name == "rfind") {
    std::string which = name;
    return fn([s, which](Interpreter&, Arguments& a) {
      std::string sub = a.Get(0, "sub").Str();
      if (which == "count") {
        if (sub.empty())
          return Value(Utf8Chars(s).size() + 1);
        int64_t n = 0;
        for (size_t p = s.find(sub); p != std::string::npos; p = s.find(sub, p + sub.size()))
          ++n;
        return Value(n);
      }
      size_t p = which == "rfind" ? s.rfind(sub) : s.find(sub);
      if (p == std::string::npos) {
        if (which == "index")
          throw TemplateError{Position{}, "substring not found"};
        return Value(-1);
      }
      return Value(static_cast<int64_t>(Utf8Chars(s.substr(0, p)).size()));
    });
  }
  if (name == "isdigit" || name == "isalpha" || name == "isalnum" || name == "isspace" ||
      name == "islower" || name == "isupper") {
    std::string which = name;
    return fn([s, which](Interpreter&, Arguments&) {
      if (s.empty())
        return Value(false);
      if (which == "islower" || which == "isupper") {
        bool cased = std::any_of(
            s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
        return Value(cased && (which == "islower" ? Lower(s) == s : Upper(s) == s));
      }
      int (*pred)(int) = which == "isdigit"   ? ::isdigit
                         : which == "isalpha" ? ::isalpha
                         : which == "isalnum" ? ::isalnum
                                              : ::isspace;
      return Value(std::all_of(
          s.begin(), s.end(), [pred](char c) { return pred(static_cast<unsigned char>(c)) != 0; }));
    });
  }
  if (name == "zfill") {
    return fn([s](Interpreter&, Arguments& a) {
      auto width = static_cast<size_t>(a.Get(0, "width").as_int());
      if (s.size() >= width)
        return Value(s);
      size_t sign = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
      return Value(s.substr(0, sign) + std::string(width - s.size(), '0') + s.substr(sign));
    });
  }
  if (name == "ljust" || name == "rjust") {
    bool left = name == "ljust";
    return fn([s, left](Interpreter&, Arguments& a) {
      auto width = static_cast<size_t>(a.Get(0, "width").as_int());
      std::string fill = a.Get(1, "fillchar", Value(" ")).Str();
      size_t n = Utf8Chars(s).size();
      if (n >= width)
        return Value(s);
      std::string pad;
      for (size_t i = n; i < width; ++i)
        pad += fill;
      return Value(left ? s + pad : pad + s);
    });
  }
  if (name == "rsplit") {
    return fn([s](Interpreter&, Arguments& a) {
      Value sep = a.Get(0, "sep");
      int64_t maxsplit = a.Has(1, "maxsplit") ? a.Get(1, "maxsplit").as_int() : -1;
      if (maxsplit < 0 || !sep.is_string())
        return Value(Split(s, sep.is_none() ? Value() : sep, maxsplit));
      List out;
      std::string d(sep.as_string());
      size_t end = s.size();
      int64_t n = 0;
      while (n < maxsplit) {
        size_t f = end >= d.size() ? s.rfind(d, end - d.size()) : std::string::npos;
        if (f == std::string::npos)
          break;
        out.insert(out.begin(), Value(s.substr(f + d.size(), end - f - d.size())));
        end = f;
        ++n;
      }
      out.insert(out.begin(), Value(s.substr(0, end)));
      return Value(std::move(out));
    });
  }
  if (name == "partition" || name == "rpartition") {
    bool right = name == "rpartition";
    return fn([s, right](Interpreter&, Arguments& a) {
      std::string sep = a.Get(0, "sep").Str();
      size_t f = right ? s.rfind(sep) : s.find(sep);
      if (f == std::string::npos) {
        return right ? Value(List{Value(""), Value(""), Value(s)}, true)
                     : Value(List{Value(s), Value(""), Value("")}, true);
      }
      return Value(List{Value(s.substr(0, f)), Value(sep), Value(s.substr(f + sep.size()))}, true);
    });
  }
  if (name == "swapcase") {
    return fn([s](Interpreter&, Arguments&) {
      std::string out = s;
      for (char& c : out) {
        auto u = static_cast<unsigned char>(c);
        c = static_cast<char>(std::islower(u)   ? std::toupper(u)
                              : std::isupper(u) ? std::tolower(u)
                                                : u);
      }
      return Value(out);
    });
  }
  if (name == "casefold")
    return fn([s](Interpreter&, Arguments&) { return Value(Lower(s)); });
  if (name == "removeprefix" || name == "removesuffix") {
    bool prefix = name == "removeprefix";
    return fn([s, prefix](Interpreter&, Arguments& a) {
      std::string p = a.Get(0, "affix").Str();
      if (p.empty() || p.size() > s.size())
        return Value(s);
      if (prefix && s.compare(0, p.size(), p) == 0)
        return Value(s.substr(p.size()));
      if (!prefix && s.compare(s.size() - p.size(), p.size(), p) == 0)
        return Value(s.substr(0, s.size() - p.size()));
      return Value(s);
    });
  }
  if (name == "center") {
    return fn([s](Interpreter&, Arguments& a) {
      auto width = static_cast<size_t>(a.Get(0, "width").as_int());
      std::string fill = a.Get(1, "fillchar", Value(" ")).Str();
      size_t n = Utf8Chars(s).size();
      if (n >= width)
        return Value(s);
      size_t total = width - n;
      size_t left = total / 2 + (total & width & 1);  // as CPython pads
      std::string out;
      for (size_t i = 0; i < left; ++i)
        out += fill;
      out += s;
      for (size_t i = left; i < total; ++i)
        out += fill;
      return Value(out);
    });
  }
  if (name == "expandtabs") {
    return fn([s](Interpreter&, Arguments& a) {
      int64_t size = a.Has(0, "tabsize") ? a.Get(0, "tabsize").as_int() : 8;
      std::string out;
      int64_t col = 0;
      for (char c : s) {
        if (c == '\t') {
          int64_t spaces = size > 0 ? size - (col % size) : 0;
          out.append(static_cast<size_t>(spaces), ' ');
          col += spaces;
        } else {
          out += c;
          col = (c == '\n' || c == '\r')
                    ? 0
                    : col + ((static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0);
        }
      }
      return Value(out);
    });
  }
  if (name == "splitlines") {
    return fn([s](Interpreter&, Arguments&) {
      List out;
      size_t start = 0;
      while (start < s.size()) {
        size_t nl = s.find_first_of("\r\n", start);
        if (nl == std::string::npos)
          nl = s.size();
        out.emplace_back(s.substr(start, nl - start));
        start = nl + (s.compare(nl, 2, "\r\n") == 0 ? 2 : 1);
      }
      return Value(std::move(out));
    });
  }
  return Value::MakeUndefined(name);
}

Value ListMethod(const Value& list, const std::string& name) {
  auto fn = [&](NativeFunction f) { return Value::Function(name, std::move(f)); };
  if (name == "append") {
    return fn([list](Interpreter&, Arguments& a) {
      list.as_list().push_back(a.Get(0, "object"));
      return Value::MakeNone();
    });
  }
  if (name == "extend") {
    return fn([list](Interpreter&, Arguments& a) {
      for (const Value& v : Iterate(a.Get(0, "iterable"), Position{}))
        list.as_list().push_back(v);
      return Value::MakeNone();
    });
  }
  if (name == "insert") {
    return fn([list](Interpreter&, Arguments& a) {
      List& l = list.as_list();
      int64_t i = a.Get(0, "index").as_int();
      auto n = static_cast<int64_t>(l.size());
      if (i < 0)
        i = std::max<int64_t>(0, i + n);
      i = std::min(i, n);
      l.insert(l.begin() + i, a.Get(1, "object"));
      return Value::MakeNone();
    });
  }
  if (name == "pop") {
    return fn([list](Interpreter&, Arguments& a) {
      List& l = list.as_list();
      if (l.empty())
        throw TemplateError{Position{}, "pop from empty list"};
      int64_t i = a.Has(0, "index") ? a.Get(0, "index").as_int() : -1;
      auto n = static_cast<int64_t>(l.size());
      if (i < 0)
        i += n;
      if (i < 0 || i >= n)
        throw TemplateError{Position{}, "pop index out of range"};
      Value v = l[static_cast<size_t>(i)];
      l.erase(l.begin() + i);
      return v;
    });
  }
  if (name == "remove") {
    return fn([list](Interpreter&, Arguments& a) {
      List& l = list.as_list();
      Value x = a.Get(0, "value");
      auto it = std::find_if(l.begin(), l.end(), [&](const Value& v) { return v.Equals(x); });
      if (it == l.end())
        throw TemplateError{Position{}, "list.remove(x): x not in list"};
      l.erase(it);
      return Value::MakeNone();
    });
  }
  if (name == "index" || name == "count") {
    bool count = name == "count";
    return fn([list, count](Interpreter&, Arguments& a) {
      const List& l = list.as_list();
      Value x = a.Get(0, "value");
      int64_t n = 0;
      for (size_t i = 0; i < l.size(); ++i) {
        if (!l[i].Equals(x))
          continue;
        if (!count)
          return Value(i);
        ++n;
      }
      if (!count)
        throw TemplateError{Position{}, x.Repr() + " is not in list"};
      return Value(n);
    });
  }
  if (name == "copy")
    return fn([list](Interpreter&, Arguments&) { return Value(List(list.as_list())); });
  if (name == "clear") {
    return fn([list](Interpreter&, Arguments&) {
      list.as_list().clear();
      return Value::MakeNone();
    });
  }
  if (name == "reverse") {
    return fn([list](Interpreter&, Arguments&) {
      std::reverse(list.as_list().begin(), list.as_list().end());
      return Value::MakeNone();
    });
  }
  if (name == "sort") {
    return fn([list](Interpreter&, Arguments& a) {
      bool reverse = a.Get(static_cast<size_t>(-1), "reverse", Value(false)).Truthy();
      List& l = list.as_list();
      std::stable_sort(l.begin(), l.end(), [&](const Value& x, const Value& y) {
        return reverse ? SortLess(y, x, true, Position{}) : SortLess(x, y, true, Position{});
      });
      return Value::MakeNone();
    });
  }
  return Value::MakeUndefined(name);
}

Value DictMethod(const Value& dict, const std::string& name) {
  auto fn = [&](NativeFunction f) { return Value::Function(name, std::move(f)); };
  if (name == "get") {
    return fn([dict](Interpreter&, Arguments& a) {
      const Value* v = dict.as_dict().Find(a.Get(0, "key"));
      return v != nullptr ? *v : a.Get(1, "default", Value::MakeNone());
    });
  }
  if (name == "items" || name == "keys" || name == "values") {
    int which = name == "items" ? 0 : name == "keys" ? 1 : 2;
    return fn([dict, which](Interpreter&, Arguments&) {
      List out;
      for (const auto& [k, v] : dict.as_dict().entries()) {
        if (which == 0)
          out.emplace_back(List{k, v}, true);
        if (which == 1)
          out.push_back(k);
        if (which == 2)
          out.push_back(v);
      }
      return Value(std::move(out));
    });
  }
  if (name == "update") {
    return fn([dict](Interpreter&, Arguments& a) {
      if (!a.positional.empty() && a.positional[0].is_dict()) {
        for (const auto& [k, v] : a.positional[0].as_dict().entries())
          dict.as_dict().Set(k, v);
      }
      for (auto& [k, v] : a.keywords)
        dict.as_dict().Set(Value(k), v);
      return Value::MakeNone();
    });
  }
  if (name == "pop") {
    return fn([dict](Interpreter&, Arguments& a) {
      Value key = a.Get(0, "key");
      const Value* v = dict.as_dict().Find(key);
      if (v == nullptr) {
        if (a.Has(1, "default"))
          return a.Get(1, "default");
        throw TemplateError{Position{}, key.Repr()};
      }
      Value out = *v;
      dict.as_dict().Erase(key);
      return out;
    });
  }
  if (name == "setdefault") {
    return fn([dict](Interpreter&, Arguments& a) {
      Value key = a.Get(0, "key");
      if (const Value* v = dict.as_dict().Find(key))
        return *v;
      Value fallback = a.Get(1, "default", Value::MakeNone());
      dict.as_dict().Set(key, fallback);
      return fallback;
    });
  }
  if (name == "copy")
    return fn([dict](Interpreter&, Arguments&) { return Value(Dict(dict.as_dict())); });
  return Value::MakeUndefined(name);
}

}  // namespace

List Utf8Chars(const std::string& s) {
  List out;
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

List Iterate(const Value& v, Position pos) {
  if (v.is_list())
    return v.as_list();
  if (v.is_dict()) {
    List keys;
    for (const auto& [k, _] : v.as_dict().entries())
      keys.push_back(k);
    return keys;
  }
  if (v.is_string())
    return Utf8Chars(v.Str());
  if (v.is_undefined())
    return {};
  if (v.is_object() && v.as_object()->mapping())
    return v.as_object()->Keys();
  if (List items; v.is_object() && v.as_object()->Elements(&items))
    return items;
  Throw(pos, "'" + v.TypeName() + "' object is not iterable");
}

Value Arithmetic(const std::string& op, const Value& l, const Value& r, Position pos) {
  if (l.is_undefined())
    Throw(pos, "'" + l.undefined_name() + "' is undefined");
  if (r.is_undefined())
    Throw(pos, "'" + r.undefined_name() + "' is undefined");
  Value result;
  if (l.is_object() && l.as_object()->Binary(op, r, false, &result))
    return result;
  if (r.is_object() && r.as_object()->Binary(op, l, true, &result))
    return result;
  auto unsupported = [&]() -> Value {
    Throw(pos, "unsupported operand type(s) for " + op + ": '" + l.TypeName() + "' and '" +
                   r.TypeName() + "'");
  };
  if (op == "%" && l.is_string())
    return Value(Percent(l.Str(), r, pos));
  if (op == "+") {
    if (l.is_string() && r.is_string())
      return Value(std::string(l.as_string()).append(r.as_string()));
    if (l.is_list() && r.is_list()) {
      if (l.is_tuple() != r.is_tuple())
        return unsupported();
      List out = l.as_list();
      out.insert(out.end(), r.as_list().begin(), r.as_list().end());
      return Value(std::move(out), l.is_tuple());
    }
  }
  if (op == "*" && (l.is_string() || l.is_list()) && (r.is_int() || r.is_bool())) {
    int64_t n = r.as_int();
    if (l.is_string()) {
      std::string out;
      for (int64_t i = 0; i < n; ++i)
        out += l.as_string();
      return Value(out);
    }
    List out;
    for (int64_t i = 0; i < n; ++i)
      out.insert(out.end(), l.as_list().begin(), l.as_list().end());
    return Value(std::move(out), l.is_tuple());
  }
  if (op == "*" && (r.is_string() || r.is_list()) && (l.is_int() || l.is_bool()))
    return Arithmetic(op, r, l, pos);
  if (!l.is_number() || !r.is_number())
    return unsupported();
  bool floats = l.is_float() || r.is_float();
  if (op == "/") {
    if (r.as_double() == 0)
      Throw(pos, "division by zero");
    return Value(l.as_double() / r.as_double());
  }
  if (op == "//") {
    if (r.as_double() == 0)
      Throw(pos, floats ? "float floor division by zero" : "integer division or modulo by zero");
    if (floats)
      return Value(std::floor(l.as_double() / r.as_double()));
    return Value(FloorDiv(l.as_int(), r.as_int()));
  }
  if (op == "%") {
    if (r.as_double() == 0)
      Throw(pos, floats ? "float modulo" : "integer division or modulo by zero");
    if (floats)
      return Value(PyMod(l.as_double(), r.as_double()));
    int64_t m = l.as_int() % r.as_int();
    if (m != 0 && ((m < 0) != (r.as_int() < 0)))
      m += r.as_int();
    return Value(m);
  }
  if (op == "**") {
    if (!floats && r.as_int() >= 0) {
      int64_t result = 1;
      for (int64_t i = 0; i < r.as_int(); ++i)
        result *= l.as_int();
      return Value(result);
    }
    return Value(std::pow(l.as_double(), r.as_double()));
  }
  auto apply = [&](auto a, auto b) -> Value {
    if (op == "+")
      return Value(a + b);
    if (op == "-")
      return Value(a - b);
    if (op == "*")
      return Value(a * b);
    return unsupported();
  };
  return floats ? apply(l.as_double(), r.as_double()) : apply(l.as_int(), r.as_int());
}

bool Compare(const std::string& op, const Value& l, const Value& r, Position pos) {
  if (op == "==")
    return l.Equals(r);
  if (op == "!=")
    return !l.Equals(r);
  if (op == "in" || op == "not in") {
    bool found = false;
    if (r.is_string()) {
      if (!l.is_string())
        Throw(pos, "'in <string>' requires string as left operand, not " + l.TypeName());
      found = r.as_string().find(l.as_string()) != std::string::npos;
    } else if (r.is_list()) {
      found = std::any_of(r.as_list().begin(), r.as_list().end(),
                          [&](const Value& v) { return v.Equals(l); });
    } else if (r.is_dict()) {
      found = r.as_dict().Find(l) != nullptr;
    } else if (r.is_object() && r.as_object()->mapping()) {
      List keys = r.as_object()->Keys();
      found = std::any_of(keys.begin(), keys.end(), [&](const Value& v) { return v.Equals(l); });
    } else if (r.is_undefined()) {
      Throw(pos, "'" + r.undefined_name() + "' is undefined");
    } else {
      Throw(pos, "argument of type '" + r.TypeName() + "' is not iterable");
    }
    return op == "in" ? found : !found;
  }
  bool ok = true;
  bool less = l.Less(r, &ok);
  bool greater = ok ? r.Less(l, &ok) : false;
  if (!ok) {
    if (l.is_undefined())
      Throw(pos, "'" + l.undefined_name() + "' is undefined");
    if (r.is_undefined())
      Throw(pos, "'" + r.undefined_name() + "' is undefined");
    Throw(pos, "'" + op + "' not supported between instances of '" + l.TypeName() + "' and '" +
                   r.TypeName() + "'");
  }
  if (op == "<")
    return less;
  if (op == ">")
    return greater;
  if (op == "<=")
    return !greater;
  return !less;  // >=
}

Value BoundMethod(const Value& target, const std::string& name) {
  if (target.is_string())
    return StringMethod(target.Str(), name);
  if (target.is_list() && !target.is_tuple())
    return ListMethod(target, name);
  if (target.is_tuple() && (name == "index" || name == "count"))
    return ListMethod(target, name);
  if (target.is_dict() && !target.as_dict().is_namespace())
    return DictMethod(target, name);
  return Value::MakeUndefined(name);
}

List SliceList(const List& items, std::optional<int64_t> start, std::optional<int64_t> stop,
               std::optional<int64_t> step, Position pos) {
  auto n = static_cast<int64_t>(items.size());
  int64_t st = step.value_or(1);
  if (st == 0)
    Throw(pos, "slice step cannot be zero");
  auto clamp = [&](std::optional<int64_t> v, int64_t fallback) {
    if (!v)
      return fallback;
    int64_t x = *v;
    if (x < 0)
      x += n;
    if (st > 0)
      return std::clamp<int64_t>(x, 0, n);
    return std::clamp<int64_t>(x, -1, n - 1);
  };
  int64_t b = clamp(start, st > 0 ? 0 : n - 1);
  int64_t e = clamp(stop, st > 0 ? n : -1);
  List out;
  for (int64_t i = b; st > 0 ? i < e : i > e; i += st)
    out.push_back(items[static_cast<size_t>(i)]);
  return out;
}

Value CallFilter(Interpreter& in, const std::string& name, const Value& input, Arguments& args,
                 Position pos) {
  const auto& filters = Filters();
  auto it = filters.find(name);
  if (it == filters.end())
    Throw(pos, "No filter named '" + name + "'.");
  return it->second(in, input, args, pos);
}

bool CallTest(Interpreter& in, const std::string& name, const Value& input, Arguments& args,
              Position pos) {
  if (name == "test")
    return input.is_string() && Tests().count(input.Str()) > 0;
  const auto& tests = Tests();
  auto it = tests.find(name);
  if (it == tests.end())
    Throw(pos, "No test named '" + name + "'.");
  return it->second(in, input, args, pos);
}

void AddDefaultGlobals(Dict& globals) {
  globals.Set(Value("range"), Value::Function("range", [](Interpreter&, Arguments& a) {
                auto arg = [&](size_t i) {
                  const Value& v = a.positional[i];
                  if (!v.is_int() && !v.is_bool())
                    throw TemplateError{Position{}, "range() arguments must be integers"};
                  return v.as_int();
                };
                int64_t start = 0;
                int64_t stop = 0;
                int64_t step = 1;
                if (a.positional.size() == 1) {
                  stop = arg(0);
                } else if (a.positional.size() >= 2) {
                  start = arg(0);
                  stop = arg(1);
                  if (a.positional.size() > 2)
                    step = arg(2);
                }
                if (step == 0)
                  throw TemplateError{Position{}, "range() arg 3 must not be zero"};
                if ((stop - start) / step > 100000)
                  throw TemplateError{Position{}, "range too big"};
                List out;
                for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step)
                  out.emplace_back(i);
                return Value(std::move(out));
              }));
  globals.Set(Value("dict"), Value::Function("dict", [](Interpreter&, Arguments& a) {
                Dict d;
                if (!a.positional.empty() && a.positional[0].is_dict())
                  d = a.positional[0].as_dict();
                for (auto& [k, v] : a.keywords)
                  d.Set(Value(k), v);
                return Value(std::move(d));
              }));
  globals.Set(Value("joiner"), Value::Function("joiner", [](Interpreter&, Arguments& a) {
                std::string sep = a.Get(0, "sep", Value(", ")).Str();
                auto used = std::make_shared<bool>(false);
                return Value::Function("joiner", [sep, used](Interpreter&, Arguments&) {
                  if (!*used) {
                    *used = true;
                    return Value("");
                  }
                  return Value(sep);
                });
              }));
  globals.Set(Value("namespace"), Value::Function("namespace", [](Interpreter&, Arguments& a) {
                Dict d;
                if (!a.positional.empty() && a.positional[0].is_dict())
                  d = a.positional[0].as_dict();
                for (auto& [k, v] : a.keywords)
                  d.Set(Value(k), v);
                d.set_namespace(true);
                return Value(std::move(d));
              }));
}

std::string ToJson(const Value& v, int indent) {
  return ToJsonText(v, indent, 0);
}

}  // namespace floe::jinja
