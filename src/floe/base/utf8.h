#pragma once
// Text helpers (UTF-8, ASCII case) shared by the YAML reader, the configuration checks and the
// template engine.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace floe {

/// Appends code point `cp` encoded as UTF-8.
void AppendUtf8(std::string& out, uint32_t cp);

/// The number of code points in UTF-8 text (what Python's len() and JSON Schema count).
size_t Utf8Length(std::string_view s);

/// `s` with ASCII letters lowered (other bytes, UTF-8 included, unchanged): how DuckDB and
/// PostgreSQL compare unquoted identifiers.
std::string AsciiLower(std::string_view s);

}  // namespace floe
