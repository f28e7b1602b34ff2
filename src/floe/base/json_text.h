#pragma once
// JSON string literals: the escaping that the template engine's `tojson` and the dbt manifest
// writer share, fast for the common text that needs none.

#include <string>
#include <string_view>

namespace floe {

/// Appends `s` as a JSON string literal (quotes, backslash and control characters escaped;
/// other bytes, UTF-8 included, as they are: Python's json.dumps with ensure_ascii=False).
void AppendJsonString(std::string& out, std::string_view s);
/// Appends the escape of one byte that JSON escapes (a control character, '"' or '\\').
void AppendJsonEscape(std::string& out, unsigned char c);

}  // namespace floe
