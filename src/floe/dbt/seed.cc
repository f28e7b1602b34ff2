#include "floe/dbt/seed.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "floe/base/utf8.h"

namespace floe::dbt {
namespace {

std::string Trim(const std::string& s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && isspace(static_cast<unsigned char>(s[b])))
    ++b;
  while (e > b && isspace(static_cast<unsigned char>(s[e - 1])))
    --e;
  return s.substr(b, e - b);
}

bool IsNull(const std::string& text) {
  std::string t = AsciiLower(Trim(text));
  return t.empty() || t == "null";
}

// Python's csv reader (excel dialect with the given delimiter): quoted fields, doubled quotes,
// newlines inside quotes.
bool ParseCsv(const std::string& text, char delimiter, std::vector<std::vector<std::string>>* rows,
              std::string* error) {
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  size_t i = 0;
  auto end_field = [&] {
    row.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_row = [&] {
    end_field();
    if (!(row.size() == 1 && row[0].empty()))
      rows->push_back(std::move(row));
    row.clear();
  };
  while (i < text.size()) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        ++i;
        continue;
      }
      field += c;
      ++i;
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
      ++i;
      continue;
    }
    if (c == delimiter) {
      end_field();
      ++i;
      continue;
    }
    if (c == '\r' || c == '\n') {
      end_row();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
        ++i;
      ++i;
      continue;
    }
    field += c;
    field_started = true;
    ++i;
  }
  if (quoted) {
    *error = "unexpected end of data: a quoted field is not closed";
    return false;
  }
  if (field_started || !field.empty() || !row.empty())
    end_row();
  return true;
}

// agate's Number (babel's en_US parse_decimal after dropping %, a sign and currency symbols):
// the number of decimal places of the normalised value, or -1 when it is not a number.
int NumberDecimals(const std::string& raw) {
  std::string d = Trim(raw);
  while (!d.empty() && d.back() == '%')
    d.pop_back();
  while (!d.empty() && d.front() == '%')
    d.erase(d.begin());
  if (!d.empty() && d[0] == '-')
    d.erase(d.begin());
  std::string clean;
  for (char c : d) {
    if (c == ',' || c == '$')
      continue;
    clean += c;
  }
  // [+-]digits[.digits][e[+-]digits], as Python's Decimal
  size_t i = 0;
  if (i < clean.size() && (clean[i] == '+' || clean[i] == '-'))
    ++i;
  std::string whole;
  std::string frac;
  while (i < clean.size() && isdigit(static_cast<unsigned char>(clean[i])))
    whole += clean[i++];
  if (i < clean.size() && clean[i] == '.') {
    ++i;
    while (i < clean.size() && isdigit(static_cast<unsigned char>(clean[i])))
      frac += clean[i++];
  }
  if (whole.empty() && frac.empty())
    return -1;
  long exponent = 0;
  if (i < clean.size() && (clean[i] == 'e' || clean[i] == 'E')) {
    ++i;
    size_t start = i;
    if (i < clean.size() && (clean[i] == '+' || clean[i] == '-'))
      ++i;
    if (i >= clean.size() || !isdigit(static_cast<unsigned char>(clean[i])))
      return -1;
    while (i < clean.size() && isdigit(static_cast<unsigned char>(clean[i])))
      ++i;
    exponent = std::stol(clean.substr(start, i - start));
  }
  if (i != clean.size())
    return -1;
  while (!frac.empty() && frac.back() == '0')
    frac.pop_back();
  std::string digits = whole + frac;
  if (digits.find_first_not_of('0') == std::string::npos)
    return 0;  // zero normalises to 0
  long places = static_cast<long>(frac.size()) - exponent;
  return places > 0 ? static_cast<int>(places) : 0;
}

// Reads 1..max digits at `i`.
bool Digits(const std::string& s, size_t& i, size_t min, size_t max, int* out) {
  size_t start = i;
  int v = 0;
  while (i < s.size() && i - start < max && isdigit(static_cast<unsigned char>(s[i])))
    v = v * 10 + (s[i++] - '0');
  if (i - start < min)
    return false;
  *out = v;
  return true;
}

bool ValidDate(int y, int m, int d) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1)
    return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

// strptime's %Y-%m-%d at i (Python: %Y four digits, %m and %d one or two).
bool DateAt(const std::string& s, size_t& i) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (!Digits(s, i, 4, 4, &y) || i >= s.size() || s[i++] != '-' || !Digits(s, i, 1, 2, &m) ||
      i >= s.size() || s[i++] != '-' || !Digits(s, i, 1, 2, &d))
    return false;
  return ValidDate(y, m, d);
}

bool IsDate(const std::string& raw) {
  std::string s = Trim(raw);
  size_t i = 0;
  return DateAt(s, i) && i == s.size();
}

bool IsDateTime(const std::string& raw) {  // %Y-%m-%d %H:%M:%S
  std::string s = Trim(raw);
  size_t i = 0;
  int h = 0;
  int mi = 0;
  int sec = 0;
  if (!DateAt(s, i) || i >= s.size() || s[i++] != ' ' || !Digits(s, i, 1, 2, &h) || i >= s.size() ||
      s[i++] != ':' || !Digits(s, i, 1, 2, &mi) || i >= s.size() || s[i++] != ':' ||
      !Digits(s, i, 1, 2, &sec))
    return false;
  return i == s.size() && h < 24 && mi < 60 && sec < 62;
}

// isodate.parse_datetime: <date>T<time>, the date YYYY-MM-DD or YYYYMMDD, the time
// hh[:mm[:ss[.f]]] or hhmm[ss], then Z or ±hh[:mm].
bool IsIsoDateTime(const std::string& raw) {
  std::string s = Trim(raw);
  size_t t = s.find('T');
  if (t == std::string::npos)
    return false;
  std::string date = s.substr(0, t);
  std::string time = s.substr(t + 1);
  size_t i = 0;
  int y = 0;
  int m = 0;
  int d = 0;
  if (date.size() == 8) {
    if (!Digits(date, i, 4, 4, &y) || !Digits(date, i, 2, 2, &m) || !Digits(date, i, 2, 2, &d))
      return false;
  } else if (!Digits(date, i, 4, 4, &y) || i >= date.size() || date[i++] != '-' ||
             !Digits(date, i, 2, 2, &m) || i >= date.size() || date[i++] != '-' ||
             !Digits(date, i, 2, 2, &d)) {
    return false;
  }
  if (i != date.size() || !ValidDate(y, m, d))
    return false;
  size_t zone = time.find_first_of("Z+-");
  std::string clock = time.substr(0, zone);
  std::string tz = zone == std::string::npos ? "" : time.substr(zone);
  i = 0;
  int h = 0;
  int mi = 0;
  int sec = 0;
  if (!Digits(clock, i, 2, 2, &h))
    return false;
  bool colons = i < clock.size() && clock[i] == ':';
  if (i < clock.size()) {
    if (colons)
      ++i;
    if (!Digits(clock, i, 2, 2, &mi))
      return false;
    if (i < clock.size() && (!colons || clock[i] == ':')) {
      if (colons)
        ++i;
      if (!Digits(clock, i, 2, 2, &sec))
        return false;
      if (i < clock.size() && (clock[i] == '.' || clock[i] == ',')) {
        ++i;
        int f = 0;
        if (!Digits(clock, i, 1, 9, &f))
          return false;
      }
    }
  }
  if (i != clock.size() || h > 24 || mi > 59 || sec > 60)
    return false;
  if (tz.empty() || tz == "Z")
    return true;
  i = 1;
  int zh = 0;
  int zm = 0;
  if (!Digits(tz, i, 2, 2, &zh))
    return false;
  if (i < tz.size() && tz[i] == ':')
    ++i;
  if (i < tz.size() && !Digits(tz, i, 2, 2, &zm))
    return false;
  return i == tz.size();
}

bool IsBoolean(const std::string& raw) {
  std::string d;
  for (char c : raw) {
    if (c != ',')
      d += c;
  }
  d = AsciiLower(Trim(d));
  return d == "true" || d == "false";
}

// agate's TypeTester over dbt's types, in dbt's order: the first type every value casts to.
std::string InferType(const std::vector<std::vector<std::string>>& rows, size_t col) {
  std::vector<const std::string*> values;
  for (size_t r = 1; r < rows.size(); ++r) {
    if (col < rows[r].size() && !IsNull(rows[r][col]))
      values.push_back(&rows[r][col]);
  }
  if (values.empty())
    return "integer";  // dbt's Integer casts only nulls
  auto all = [&](bool (*test)(const std::string&)) {
    for (const std::string* v : values) {
      if (!test(*v))
        return false;
    }
    return true;
  };
  int decimals = 0;
  bool number = true;
  for (const std::string* v : values) {
    int d = NumberDecimals(*v);
    if (d < 0) {
      number = false;
      break;
    }
    decimals = std::max(decimals, d);
  }
  if (number)
    return decimals > 0 ? "float8" : "integer";
  if (all(IsDate))
    return "date";
  if (all(IsDateTime) || all(IsIsoDateTime))
    return "timestamp without time zone";
  if (all(IsBoolean))
    return "boolean";
  return "text";
}

}  // namespace

std::string SeedFilePath(const Project& project, const Node& seed) {
  const Package* pkg = project.FindPackage(seed.package);
  std::string dir = pkg != nullptr ? pkg->dir : project.root().dir;
  return dir + "/" + seed.original_file_path;
}

std::optional<QueryTable> LoadSeedTable(const std::string& path, const std::string& delimiter,
                                        const Value& column_types, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path;
    return std::nullopt;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  if (text.rfind("\xEF\xBB\xBF", 0) == 0)
    text.erase(0, 3);
  std::vector<std::vector<std::string>> rows;
  if (!ParseCsv(text, delimiter.empty() ? ',' : delimiter[0], &rows, error))
    return std::nullopt;
  if (rows.empty()) {
    *error = "the seed file " + path + " has no header row";
    return std::nullopt;
  }
  QueryTable t;
  t.columns = rows[0];
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const Value* forced =
        column_types.is_dict() ? column_types.as_dict().FindKey(t.columns[c]) : nullptr;
    t.types.push_back(forced != nullptr ? forced->Str() : InferType(rows, c));
  }
  for (size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != t.columns.size()) {
      *error = "row " + std::to_string(r + 1) + " of " + path + " has " +
               std::to_string(rows[r].size()) + " values; the header has " +
               std::to_string(t.columns.size());
      return std::nullopt;
    }
    std::vector<Value> out;
    out.reserve(rows[r].size());
    for (const std::string& v : rows[r])
      out.push_back(IsNull(v) ? Value::MakeNone() : Value(v));
    t.rows.push_back(std::move(out));
  }
  return t;
}

}  // namespace floe::dbt
