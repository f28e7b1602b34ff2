#include "floe/dbt/json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace floe::dbt {

using jinja::Value;

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0;  // start of the pending run of characters that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        char buf[8];
        snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

namespace {

void Newline(std::string& out, const JsonStyle& style, int depth) {
  out += '\n';
  out.append(static_cast<size_t>(style.indent * depth), ' ');
}

}  // namespace

void AppendJson(std::string& out, const Value& v, const JsonStyle& style, int depth) {
  if (v.is_none() || v.is_undefined()) {
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
  } else if (v.is_string()) {
    AppendJsonString(out, v.as_string());
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
      AppendJsonString(out, k.is_string() ? k.as_string() : k.Str());
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

}  // namespace floe::dbt
