#pragma once
// Diagnostics: what floe tells a user about a problem in their input, with a stable code, the
// place (file:line:col), a one-line message, a hint and notes pointing at related places.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace floe {

/// Every diagnostic code floe can emit (see diagnostic_codes.def).
enum class Code : uint16_t {
#define FLOE_DIAG(prefix, number, name, exit_code, json_schema, title) name,
#include "floe/base/diagnostic_codes.def"
#undef FLOE_DIAG
};

/// Static facts about a code: its printed form, the exit code it maps to, whether the exported
/// JSON Schema expresses the rule, and a short title.
struct CodeInfo {
  Code code;
  char prefix;
  int number;
  int exit_code;
  bool json_schema;
  std::string_view title;
};

const CodeInfo& Info(Code code);
/// "FLOE-C100".
std::string CodeName(Code code);
/// All codes, in table order.
const std::vector<CodeInfo>& AllCodes();

enum class Severity : uint8_t { kError, kWarning };

/// A place in a file; line and column are 1-based, 0 when unknown.
struct Location {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
};

struct Note {
  Location location;
  std::string message;
};

struct Diagnostic {
  Code code = Code::kInternal;
  Severity severity = Severity::kError;
  Location location;
  std::string message;
  std::string hint;
  std::vector<Note> notes;
};

/// Collects every diagnostic of an operation, so that all problems are reported at once.
class Diagnostics {
 public:
  Diagnostic& Error(Code code, Location location, std::string message, std::string hint = {});
  Diagnostic& Warning(Code code, Location location, std::string message, std::string hint = {});
  void Add(Diagnostic diagnostic);
  void Append(const Diagnostics& other);

  bool has_errors() const { return errors_ > 0; }
  size_t error_count() const { return errors_; }
  size_t warning_count() const { return items_.size() - errors_; }
  const std::vector<Diagnostic>& items() const { return items_; }
  bool empty() const { return items_.empty(); }

  /// Drops repeats of the same problem at the same place (a manifest checked on its own and
  /// again as a product's platform).
  void Deduplicate();
  /// Sorts by file, line, column (stable), so output does not depend on check order.
  void SortByLocation();
  /// The exit code for the worst error (DESIGN.md codes): file access (3, 4) first, then
  /// signature (6), network (8), validation (5), compilation (7), usage (2), general (1).
  /// 0 when there is no error.
  int ExitCode() const;

 private:
  std::vector<Diagnostic> items_;
  size_t errors_ = 0;
};

/// `path:line:col: error FLOE-C100: message` followed by `  hint: …` and note lines.
std::string RenderText(const Diagnostic& diagnostic);
/// One JSON object (a single line) with the same content, for --log-format json.
std::string RenderJson(const Diagnostic& diagnostic);

/// The closest candidates to `word` (edit distance), for "did you mean" hints.
std::vector<std::string> ClosestMatches(std::string_view word,
                                        const std::vector<std::string>& candidates,
                                        size_t max_results = 1);
/// "`a`, `b` or `c`".
std::string QuotedList(const std::vector<std::string>& items, std::string_view last_joiner = "or");

}  // namespace floe
