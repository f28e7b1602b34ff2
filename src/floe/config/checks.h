#pragma once
// Value checks that JSON Schema cannot express: cron expressions, IANA timezones, calendar
// dates, regular expressions (valid and free of catastrophic backtracking).

#include <string>
#include <string_view>

#include "floe/config/schema.h"

namespace floe::config {

/// An empty string when `expr` is a valid 5-field cron expression (or @hourly, @daily, …),
/// otherwise what is wrong with it.
std::string CronProblem(std::string_view expr);
bool IsKnownTimezone(std::string_view name);
bool IsCalendarDate(std::string_view date);
/// An empty string when `pattern` compiles as an ECMAScript regex and has no nested quantifier.
std::string RegexProblem(std::string_view pattern, bool* unsafe);

// Fast matchers for the patterns the schemas declare.
bool IsSemver(std::string_view s);
bool IsDnsLabel(std::string_view s);        // ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$
bool IsProductName(std::string_view s);     // ^[a-z][a-z0-9-]*$, at most 63
bool IsIdentifier(std::string_view s);      // ^[a-zA-Z_][a-zA-Z0-9_]*$
bool IsK8sName(std::string_view s);         // DNS-1123 subdomain, at most 253
bool IsHttpUrl(std::string_view s);         // ^https?://\S+$
bool IsOciRef(std::string_view s);          // ^oci://\S+$
bool IsDateString(std::string_view s);      // ^\d{4}-\d{2}-\d{2}$
bool IsNonEmpty(std::string_view s);        // \S
bool IsCpuQuantity(std::string_view s);     // ^\d+(\.\d+)?m?$
bool IsMemoryQuantity(std::string_view s);  // ^\d+(\.\d+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$

// Checks to attach to schema nodes.
Check CronCheck();
Check TimezoneCheck();
Check DateCheck();
Check RegexCheck();

}  // namespace floe::config
