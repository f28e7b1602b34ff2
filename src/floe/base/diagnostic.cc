#include "floe/base/diagnostic.h"

#include <algorithm>
#include <array>
#include <unordered_set>

#include <nlohmann/json.hpp>

namespace floe {
namespace {

const std::vector<CodeInfo>& Table() {
  static const std::vector<CodeInfo> kTable = {
#define FLOE_DIAG(prefix, number, name, exit_code, json_schema, title) \
  {Code::name, #prefix[0], number, exit_code, json_schema != 0, title},
#include "floe/base/diagnostic_codes.def"
#undef FLOE_DIAG
  };
  return kTable;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string FormatLocation(const Location& location) {
  std::string out = location.file.empty() ? "floe" : location.file;
  if (location.line > 0) {
    out += ':' + std::to_string(location.line) + ':' + std::to_string(location.column);
  }
  return out;
}

}  // namespace

const CodeInfo& Info(Code code) {
  return Table()[static_cast<size_t>(code)];
}

std::string CodeName(Code code) {
  const CodeInfo& info = Info(code);
  std::array<char, 16> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "FLOE-%c%03d", info.prefix, info.number);
  return buffer.data();
}

const std::vector<CodeInfo>& AllCodes() {
  return Table();
}

Diagnostic& Diagnostics::Error(Code code, Location location, std::string message,
                               std::string hint) {
  Add({code, Severity::kError, std::move(location), std::move(message), std::move(hint), {}});
  return items_.back();
}

Diagnostic& Diagnostics::Warning(Code code, Location location, std::string message,
                                 std::string hint) {
  Add({code, Severity::kWarning, std::move(location), std::move(message), std::move(hint), {}});
  return items_.back();
}

void Diagnostics::Add(Diagnostic diagnostic) {
  if (diagnostic.severity == Severity::kError)
    ++errors_;
  items_.push_back(std::move(diagnostic));
}

void Diagnostics::Append(const Diagnostics& other) {
  for (const Diagnostic& d : other.items_)
    Add(d);
}

void Diagnostics::Deduplicate() {
  std::unordered_set<std::string> seen;
  std::vector<Diagnostic> unique;
  errors_ = 0;
  for (Diagnostic& d : items_) {
    std::string key = CodeName(d.code) + '\0' + d.location.file + '\0' +
                      std::to_string(d.location.line) + ':' + std::to_string(d.location.column) +
                      '\0' + d.message;
    if (!seen.insert(std::move(key)).second)
      continue;
    if (d.severity == Severity::kError)
      ++errors_;
    unique.push_back(std::move(d));
  }
  items_ = std::move(unique);
}

void Diagnostics::SortByLocation() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.location.file != b.location.file)
      return a.location.file < b.location.file;
    if (a.location.line != b.location.line)
      return a.location.line < b.location.line;
    return a.location.column < b.location.column;
  });
}

int Diagnostics::ExitCode() const {
  // File access problems say the most about what to fix first, then validation, then the rest.
  static constexpr std::array<int, 8> kPriority = {3, 4, 6, 8, 5, 7, 2, 1};
  int best = 0;
  size_t best_rank = kPriority.size();
  for (const Diagnostic& d : items_) {
    if (d.severity != Severity::kError)
      continue;
    int code = Info(d.code).exit_code;
    auto it = std::find(kPriority.begin(), kPriority.end(), code);
    auto rank = static_cast<size_t>(it - kPriority.begin());
    if (rank < best_rank) {
      best_rank = rank;
      best = code;
    }
  }
  return best;
}

std::string RenderText(const Diagnostic& d) {
  std::string out = FormatLocation(d.location);
  out += d.severity == Severity::kError ? ": error " : ": warning ";
  out += CodeName(d.code) + ": " + d.message + '\n';
  if (!d.hint.empty())
    out += "  hint: " + d.hint + '\n';
  for (const Note& note : d.notes) {
    out += "  " + FormatLocation(note.location) + ": note: " + note.message + '\n';
  }
  return out;
}

std::string RenderJson(const Diagnostic& d) {
  nlohmann::ordered_json j;
  j["severity"] = d.severity == Severity::kError ? "error" : "warning";
  j["code"] = CodeName(d.code);
  if (!d.location.file.empty())
    j["file"] = d.location.file;
  if (d.location.line > 0) {
    j["line"] = d.location.line;
    j["column"] = d.location.column;
  }
  j["message"] = d.message;
  if (!d.hint.empty())
    j["hint"] = d.hint;
  if (!d.notes.empty()) {
    auto& notes = j["notes"] = nlohmann::ordered_json::array();
    for (const Note& n : d.notes) {
      notes.push_back({{"file", n.location.file},
                       {"line", n.location.line},
                       {"column", n.location.column},
                       {"message", n.message}});
    }
  }
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::vector<std::string> ClosestMatches(std::string_view word,
                                        const std::vector<std::string>& candidates,
                                        size_t max_results) {
  std::vector<std::pair<size_t, std::string>> scored;
  size_t limit = std::max<size_t>(2, word.size() / 3);
  for (const std::string& c : candidates) {
    size_t distance = EditDistance(word, c);
    if (distance <= limit)
      scored.emplace_back(distance, c);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < max_results; ++i)
    out.push_back(scored[i].second);
  return out;
}

std::string QuotedList(const std::vector<std::string>& items, std::string_view last_joiner) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0)
      out += (i + 1 == items.size()) ? " " + std::string(last_joiner) + " " : ", ";
    out += '`' + items[i] + '`';
  }
  return out;
}

}  // namespace floe
