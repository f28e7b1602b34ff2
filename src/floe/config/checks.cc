#include "floe/config/checks.h"

#include <array>
#include <cctype>
#include <regex>
#include <vector>

#include <sys/stat.h>

namespace floe::config {
namespace {

bool Digit(char c) {
  return c >= '0' && c <= '9';
}
bool Lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool Alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

struct CronField {
  const char* name;
  int low;
  int high;
  std::array<const char*, 12> names;  // month or weekday names, index = value - low
};

constexpr std::array<CronField, 5> kCronFields = {{
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day of month", 1, 31, {}},
    {"month",
     1,
     12,
     {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
    {"day of week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}};

bool CronValue(std::string_view s, const CronField& field, int& value) {
  if (!s.empty() && std::all_of(s.begin(), s.end(), Digit) && s.size() <= 2) {
    value = std::stoi(std::string(s));
    return value >= field.low && value <= field.high;
  }
  std::string upper;
  for (char c : s)
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < field.names.size(); ++i) {
    if (field.names[i] != nullptr && upper == field.names[i]) {
      value = field.low + static_cast<int>(i);
      return true;
    }
  }
  return false;
}

std::string CronFieldProblem(std::string_view text, const CronField& field) {
  std::string range = std::to_string(field.low) + "-" + std::to_string(field.high);
  for (std::string_view part : Split(text, ',')) {
    std::string_view base = part;
    auto slash = part.find('/');
    if (slash != std::string_view::npos) {
      std::string_view step = part.substr(slash + 1);
      base = part.substr(0, slash);
      if (step.empty() || !std::all_of(step.begin(), step.end(), Digit) || step.size() > 2 ||
          std::stoi(std::string(step)) == 0) {
        return std::string("bad step `") + std::string(step) + "` in the " + field.name + " field";
      }
    }
    if (base == "*")
      continue;
    auto dash = base.find('-');
    int a = 0;
    int b = 0;
    if (dash != std::string_view::npos) {
      if (!CronValue(base.substr(0, dash), field, a) ||
          !CronValue(base.substr(dash + 1), field, b) || a > b) {
        return std::string("bad range `") + std::string(base) + "` in the " + field.name +
               " field (allowed " + range + ")";
      }
    } else if (!CronValue(base, field, a)) {
      return std::string("bad value `") + std::string(base) + "` in the " + field.name +
             " field (allowed " + range + ")";
    }
  }
  return {};
}

}  // namespace

std::string CronProblem(std::string_view expr) {
  static const std::array<std::string_view, 8> kMacros = {
      "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@reboot"};
  if (!expr.empty() && expr[0] == '@') {
    for (std::string_view m : kMacros) {
      if (expr == m && m != "@reboot")
        return {};
    }
    return "unknown cron macro `" + std::string(expr) + "`";
  }
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < expr.size()) {
    while (i < expr.size() && expr[i] == ' ')
      ++i;
    size_t start = i;
    while (i < expr.size() && expr[i] != ' ')
      ++i;
    if (i > start)
      fields.push_back(expr.substr(start, i - start));
  }
  if (fields.size() != 5) {
    return "a cron expression has 5 fields (minute hour day-of-month month day-of-week), this "
           "one has " +
           std::to_string(fields.size());
  }
  for (size_t f = 0; f < 5; ++f) {
    std::string problem = CronFieldProblem(fields[f], kCronFields[f]);
    if (!problem.empty())
      return problem;
  }
  return {};
}

bool IsKnownTimezone(std::string_view name) {
  if (name == "UTC" || name == "Etc/UTC")
    return true;
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos)
    return false;
  for (char c : name) {
    if (!Alnum(c) && c != '/' && c != '_' && c != '-' && c != '+')
      return false;
  }
  struct stat st {};
  if (::stat("/usr/share/zoneinfo", &st) != 0) {
    // No tz database on this machine: accept well-formed Area/Location names.
    return name.find('/') != std::string_view::npos;
  }
  std::string path = "/usr/share/zoneinfo/" + std::string(name);
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         std::isupper(static_cast<unsigned char>(name[0]));
}

bool IsCalendarDate(std::string_view s) {
  if (!IsDateString(s))
    return false;
  int y = std::stoi(std::string(s.substr(0, 4)));
  int m = std::stoi(std::string(s.substr(5, 2)));
  int d = std::stoi(std::string(s.substr(8, 2)));
  if (m < 1 || m > 12 || d < 1)
    return false;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int days = kDays[static_cast<size_t>(m - 1)];
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && leap)
    days = 29;
  return d <= days;
}

std::string RegexProblem(std::string_view pattern, bool* unsafe) {
  *unsafe = false;
  try {
    std::regex re{std::string(pattern), std::regex::ECMAScript};
  } catch (const std::regex_error& e) {
    return e.what();
  }
  // A group that is itself quantified and contains a quantifier ((a+)+, (.*)*, (\w+){2,}) can
  // backtrack exponentially: refuse it.
  std::vector<bool> group_has_quantifier;
  bool escaped = false;
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (escaped) {
      escaped = false;
      continue;
    }
    if (c == '\\') {
      escaped = true;
      continue;
    }
    if (in_class) {
      if (c == ']')
        in_class = false;
      continue;
    }
    if (c == '[') {
      in_class = true;
    } else if (c == '(') {
      group_has_quantifier.push_back(false);
    } else if (c == ')') {
      if (group_has_quantifier.empty())
        continue;
      bool inner = group_has_quantifier.back();
      group_has_quantifier.pop_back();
      char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
      bool quantified = next == '*' || next == '+' || next == '{';
      if (inner && quantified) {
        *unsafe = true;
        return "nested quantifier: a repeated group that itself repeats";
      }
      if (quantified && !group_has_quantifier.empty())
        group_has_quantifier.back() = true;
      if (inner && !group_has_quantifier.empty())
        group_has_quantifier.back() = true;
    } else if (c == '*' || c == '+' || c == '{') {
      if (!group_has_quantifier.empty())
        group_has_quantifier.back() = true;
    }
  }
  return {};
}

bool IsSemver(std::string_view s) {
  // ^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$
  size_t i = 0;
  for (int part = 0; part < 3; ++part) {
    size_t start = i;
    while (i < s.size() && Digit(s[i]))
      ++i;
    if (i == start)
      return false;
    if (part < 2) {
      if (i >= s.size() || s[i] != '.')
        return false;
      ++i;
    }
  }
  auto suffix = [&](char lead) {
    if (i < s.size() && s[i] == lead) {
      size_t start = ++i;
      while (i < s.size() && (Alnum(s[i]) || s[i] == '.' || s[i] == '-'))
        ++i;
      return i > start;
    }
    return true;
  };
  return suffix('-') && suffix('+') && i == s.size();
}

bool IsDnsLabel(std::string_view s) {
  if (s.empty() || s.size() > 63)
    return false;
  for (char c : s) {
    if (!Lower(c) && !Digit(c) && c != '-')
      return false;
  }
  return s.front() != '-' && s.back() != '-';
}

bool IsProductName(std::string_view s) {
  if (s.empty() || s.size() > 63 || !Lower(s[0]))
    return false;
  for (char c : s) {
    if (!Lower(c) && !Digit(c) && c != '-')
      return false;
  }
  return true;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || Digit(s[0]))
    return false;
  for (char c : s) {
    if (!Alnum(c) && c != '_')
      return false;
  }
  return true;
}

bool IsK8sName(std::string_view s) {
  if (s.empty() || s.size() > 253)
    return false;
  for (std::string_view label : Split(s, '.')) {
    if (label.empty())
      return false;
    for (char c : label) {
      if (!Lower(c) && !Digit(c) && c != '-')
        return false;
    }
    if (label.front() == '-' || label.back() == '-')
      return false;
  }
  return true;
}

namespace {
bool SchemeThenNonSpace(std::string_view s, std::string_view scheme) {
  if (s.substr(0, scheme.size()) != scheme || s.size() == scheme.size())
    return false;
  for (char c : s.substr(scheme.size())) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0)
      return false;
  }
  return true;
}
}  // namespace

bool IsHttpUrl(std::string_view s) {
  return SchemeThenNonSpace(s, "http://") || SchemeThenNonSpace(s, "https://");
}
bool IsOciRef(std::string_view s) {
  return SchemeThenNonSpace(s, "oci://");
}

bool IsDateString(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!Digit(s[i]))
      return false;
  }
  return true;
}

bool IsNonEmpty(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) == 0; });
}

namespace {
size_t Decimal(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && Digit(s[i]))
    ++i;
  if (i == 0)
    return 0;
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && Digit(s[i]))
      ++i;
    if (i == start)
      return 0;
  }
  return i;
}
}  // namespace

bool IsCpuQuantity(std::string_view s) {
  size_t i = Decimal(s);
  if (i == 0)
    return false;
  std::string_view rest = s.substr(i);
  return rest.empty() || rest == "m";
}

bool IsMemoryQuantity(std::string_view s) {
  size_t i = Decimal(s);
  if (i == 0)
    return false;
  std::string_view rest = s.substr(i);
  for (std::string_view unit : {"", "Ki", "Mi", "Gi", "Ti", "K", "M", "G", "T"}) {
    if (rest == unit)
      return true;
  }
  return false;
}

Check CronCheck() {
  return [](const Node& node, const Path& path, ValidationContext& ctx) {
    std::string problem = CronProblem(node.text);
    if (problem.empty())
      return;
    ctx.diagnostics.Error(
        Code::kInvalidCron, ctx.At(node.mark),
        "`" + node.text + "` in `" + path.str() + "` is not a valid cron expression: " + problem,
        "use 5 fields, e.g. `0 6 * * *` for every day at 06:00, or @hourly/@daily/@weekly");
  };
}

Check TimezoneCheck() {
  return [](const Node& node, const Path& path, ValidationContext& ctx) {
    if (IsKnownTimezone(node.text))
      return;
    ctx.diagnostics.Error(
        Code::kUnknownTimezone, ctx.At(node.mark),
        "`" + node.text + "` in `" + path.str() + "` is not an IANA timezone",
        "use a name from the tz database, e.g. `UTC`, `Europe/Paris` or `America/New_York`");
  };
}

Check DateCheck() {
  return [](const Node& node, const Path& path, ValidationContext& ctx) {
    if (IsCalendarDate(node.text))
      return;
    ctx.diagnostics.Error(Code::kInvalidDate, ctx.At(node.mark),
                          "`" + node.text + "` in `" + path.str() + "` is not a calendar date",
                          "write the date as YYYY-MM-DD, e.g. `2027-03-31`");
  };
}

Check RegexCheck() {
  return [](const Node& node, const Path& path, ValidationContext& ctx) {
    bool unsafe = false;
    std::string problem = RegexProblem(node.text, &unsafe);
    if (problem.empty())
      return;
    if (unsafe) {
      ctx.diagnostics.Error(
          Code::kUnsafeRegex, ctx.At(node.mark),
          "the pattern in `" + path.str() + "` can backtrack catastrophically: " + problem,
          "rewrite it without a repeated group that contains a repetition, e.g. "
          "`^[a-z_]+$` instead of `^([a-z]+_?)+$`");
    } else {
      ctx.diagnostics.Error(
          Code::kInvalidRegex, ctx.At(node.mark),
          "the pattern in `" + path.str() + "` is not a valid regular expression: " + problem,
          "patterns use ECMAScript syntax, e.g. `^gold_[a-z0-9_]+$`");
    }
  };
}

}  // namespace floe::config
