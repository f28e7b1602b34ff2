#include "floe/dbt/json.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <regex>

namespace floe::dbt {

using jinja::Value;

namespace {

void Newline(std::string& out, const JsonStyle& style, int depth) {
  out += '\n';
  out.append(static_cast<size_t>(style.indent * depth), ' ');
}

}  // namespace

void AppendJson(std::string& out, const Value& v, const JsonStyle& style, int depth) {
  if (style.cache != nullptr && depth == 0 && v.frozen()) {
    auto [it, added] = style.cache->try_emplace(v.identity());
    if (added) {
      JsonStyle uncached = style;
      uncached.cache = nullptr;
      AppendJson(it->second, v, uncached, depth);
    }
    out += it->second;
    return;
  }
  if (v.is_string()) {  // the most common value first
    AppendJsonString(out, v.as_string());
  } else if (v.is_none() || v.is_undefined()) {
    out += "null";
  } else if (v.is_bool()) {
    out += v.as_bool() ? "true" : "false";
  } else if (v.is_int()) {
    out += std::to_string(v.as_int());
  } else if (v.is_float()) {
    double d = v.as_double();
    if (std::isnan(d))
      out += "NaN";
    else if (std::isinf(d))
      out += d > 0 ? "Infinity" : "-Infinity";
    else
      out += jinja::FormatFloat(d);
  } else if (v.is_list()) {
    const jinja::List& items = v.as_list();
    out += '[';
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0)
        out += style.indent > 0 || style.compact ? "," : ", ";
      if (style.indent > 0)
        Newline(out, style, depth + 1);
      AppendJson(out, items[i], style, depth + 1);
    }
    if (style.indent > 0 && !items.empty())
      Newline(out, style, depth);
    out += ']';
  } else if (v.is_dict()) {
    const auto& entries = v.as_dict().entries();
    std::vector<size_t> order;
    if (style.sort_keys) {
      order.resize(entries.size());
      for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return entries[a].first.Str() < entries[b].first.Str();
      });
    }
    out += '{';
    bool first = true;
    for (size_t n = 0; n < entries.size(); ++n) {
      size_t i = style.sort_keys ? order[n] : n;
      if (!first)
        out += style.indent > 0 || style.compact ? "," : ", ";
      first = false;
      if (style.indent > 0)
        Newline(out, style, depth + 1);
      const Value& k = entries[i].first;
      if (k.is_string())  // (not a ?: of both: that would copy every key)
        AppendJsonString(out, k.as_string());
      else
        AppendJsonString(out, k.Str());
      out += style.compact ? ":" : ": ";
      AppendJson(out, entries[i].second, style, depth + 1);
    }
    if (style.indent > 0 && !entries.empty())
      Newline(out, style, depth);
    out += '}';
  } else {
    AppendJsonString(out, v.Str());
  }
}

std::string ToJson(const Value& v, const JsonStyle& style) {
  std::string out;
  AppendJson(out, v, style);
  return out;
}

namespace {

// Whether PyYAML (YAML 1.1) would resolve the plain scalar `s` to something other than a string.
bool ResolvesAsNonString(const std::string& s) {
  static const std::regex kImplicit(
      "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
      "|~|null|Null|NULL"
      "|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
      "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
      "|[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9_]+(?:[eE][-+][0-9]+)?"
      "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)"
      "|[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
      "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ "
      "\\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
      "(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?"
      "|<<|=");
  return std::regex_match(s, kImplicit);
}

void AppendYamlString(std::string& out, const std::string& s) {
  bool special = false;  // needs the double-quoted style (escapes)
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f)
      special = true;
  }
  if (special) {
    out += '"';
    for (char ch : s) {
      auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += ch;
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c < 0x20 || c == 0x7f) {
        char buf[8];
        snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
        out += buf;
      } else {
        out += ch;  // UTF-8 bytes kept (PyYAML escapes them without allow_unicode)
      }
    }
    out += '"';
    return;
  }
  bool plain = !s.empty() && s.front() != ' ' && s.back() != ' ' && !ResolvesAsNonString(s) &&
               std::string("#,[]{}&*!|>'\"%@`").find(s.front()) == std::string::npos &&
               s.find(": ") == std::string::npos && s.find(" #") == std::string::npos &&
               s.back() != ':';
  if (plain && (s.front() == '-' || s.front() == '?' || s.front() == ':'))
    plain = s.size() > 1 && s[1] != ' ';
  if (plain) {
    out += s;
    return;
  }
  out += '\'';
  for (char ch : s) {
    if (ch == '\'')
      out += '\'';
    out += ch;
  }
  out += '\'';
}

bool IsScalar(const Value& v) {
  return !(v.is_dict() && v.as_dict().size() > 0) && !(v.is_list() && !v.as_list().empty());
}

void AppendYamlScalar(std::string& out, const Value& v) {
  if (v.is_none() || v.is_undefined()) {
    out += "null";
  } else if (v.is_bool()) {
    out += v.as_bool() ? "true" : "false";
  } else if (v.is_int()) {
    out += std::to_string(v.as_int());
  } else if (v.is_float()) {
    double d = v.as_double();
    if (std::isnan(d)) {
      out += ".nan";
    } else if (std::isinf(d)) {
      out += d > 0 ? ".inf" : "-.inf";
    } else {
      std::string r = jinja::FormatFloat(d);
      std::transform(r.begin(), r.end(), r.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (r.find('.') == std::string::npos && r.find('e') != std::string::npos)
        r.replace(r.find('e'), 1, ".0e");
      out += r;
    }
  } else if (v.is_dict()) {
    out += "{}";
  } else if (v.is_list()) {
    out += "[]";
  } else {
    AppendYamlString(out, v.Str());
  }
}

void AppendYamlBlock(std::string& out, const Value& v, int indent, bool sort_keys);

// A mapping's entries at `indent`; the first one continues the current line when `inline_first`
// (after a list item's "- ").
void AppendYamlMapping(std::string& out, const jinja::Dict& d, int indent, bool inline_first,
                       bool sort_keys) {
  std::vector<size_t> order(d.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  if (sort_keys) {
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return d.entries()[a].first.Str() < d.entries()[b].first.Str();
    });
  }
  bool first = true;
  for (size_t i : order) {
    const auto& [k, value] = d.entries()[i];
    if (!(first && inline_first))
      out.append(static_cast<size_t>(indent), ' ');
    first = false;
    AppendYamlScalar(out, k);
    out += ':';
    if (IsScalar(value)) {
      out += ' ';
      AppendYamlScalar(out, value);
      out += '\n';
    } else {
      out += '\n';
      // a list under a key is not indented (PyYAML's indentless sequences)
      AppendYamlBlock(out, value, value.is_list() ? indent : indent + 2, sort_keys);
    }
  }
}

void AppendYamlBlock(std::string& out, const Value& v, int indent, bool sort_keys) {
  if (v.is_dict()) {
    AppendYamlMapping(out, v.as_dict(), indent, false, sort_keys);
    return;
  }
  for (const Value& item : v.as_list()) {
    out.append(static_cast<size_t>(indent), ' ');
    out += "- ";
    if (IsScalar(item)) {
      AppendYamlScalar(out, item);
      out += '\n';
    } else if (item.is_dict()) {
      AppendYamlMapping(out, item.as_dict(), indent + 2, true, sort_keys);
    } else {
      // a list in a list starts on the dash's line
      std::string nested;
      AppendYamlBlock(nested, item, indent + 2, sort_keys);
      out += nested.substr(static_cast<size_t>(indent + 2));
    }
  }
}

}  // namespace

std::string ToYaml(const Value& v, bool sort_keys) {
  std::string out;
  if (IsScalar(v)) {
    AppendYamlScalar(out, v);
    out += '\n';
    // an open-ended plain scalar at the root gets the document end marker
    if (!out.empty() && out[0] != '\'' && out[0] != '"' && out[0] != '{' && out[0] != '[')
      out += "...\n";
    return out;
  }
  AppendYamlBlock(out, v, 0, sort_keys);
  return out;
}

}  // namespace floe::dbt
