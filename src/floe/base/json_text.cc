#include "floe/base/json_text.h"

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace floe {

namespace {

// The bytes of `w` that JSON escapes (control characters, '"', '\\'), as the high bit of each
// such byte. Borrows make bits above a flagged byte unreliable, so only the lowest set bit says
// exactly where the first one is.
uint64_t EscapeMask(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto zero_bytes = [&](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  uint64_t control = (w - kOnes * 0x20) & ~w & kHigh;  // bytes < 0x20
  return control | zero_bytes(w ^ (kOnes * '"')) | zero_bytes(w ^ (kOnes * '\\'));
}

bool IsEscaped(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\';
}

// The position of the first byte of `s` that JSON escapes, or s.size().
size_t FirstEscaped(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof w);
    if (uint64_t mask = EscapeMask(w); mask != 0)
      return i + static_cast<size_t>(__builtin_ctzll(mask)) / 8;
  }
  for (; i < s.size(); ++i) {
    if (IsEscaped(static_cast<unsigned char>(s[i])))
      return i;
  }
  return i;
}

}  // namespace

void AppendJsonEscape(std::string& out, unsigned char c) {
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

void AppendJsonString(std::string& out, std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  size_t i = FirstEscaped(s);
  if (i == n) {  // most texts: one copy between the quotes
    size_t at = out.size();
    out.resize(at + n + 2);
    char* w = out.data() + at;
    w[0] = '"';
    std::memcpy(w + 1, p, n);
    w[n + 1] = '"';
    return;
  }
  out.reserve(out.size() + n + 8);
  out += '"';
  size_t run = 0;  // start of the pending run of characters that need no escape
  // Eight bytes at a time to the next character to escape (most text has few).
  while (i + 8 <= n) {
    uint64_t w;
    std::memcpy(&w, p + i, sizeof w);
    uint64_t mask = EscapeMask(w);
    if (mask == 0) {
      i += 8;
      continue;
    }
    i += static_cast<size_t>(__builtin_ctzll(mask)) / 8;
    out.append(p + run, i - run);
    AppendJsonEscape(out, static_cast<unsigned char>(p[i]));
    run = ++i;
  }
  for (; i < n; ++i) {
    if (!IsEscaped(static_cast<unsigned char>(p[i])))
      continue;
    out.append(p + run, i - run);
    AppendJsonEscape(out, static_cast<unsigned char>(p[i]));
    run = i + 1;
  }
  out.append(p + run, n - run);
  out += '"';
}

}  // namespace floe
