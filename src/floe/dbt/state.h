#pragma once
// `--state DIR`: the artifacts of an earlier invocation, for the `state:` and `result:`
// selector methods (dbt's StateSelectorMethod and ResultSelectorMethod).

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "floe/dbt/project.h"

namespace floe::dbt {

class PreviousState {
 public:
  /// Reads DIR/manifest.json and DIR/run_results.json where they exist. A DIR that is not a
  /// folder, or an artifact that is not JSON, is an error.
  static std::unique_ptr<PreviousState> Load(const std::string& dir, Diagnostics& diagnostics);

  bool has_manifest() const { return manifest_.is_dict(); }
  bool has_results() const { return results_.is_dict(); }

  /// The nodes of `project` that pass the state check `check` (new, old, modified,
  /// unmodified, modified.body, modified.configs, modified.persisted_descriptions,
  /// modified.relation, modified.macros, modified.contract); nullopt for an unknown check.
  std::optional<std::set<std::string>> Select(const Project& project,
                                              const std::string& check) const;
  /// The unique_ids whose status in the previous run_results.json is `status`.
  std::set<std::string> WithResult(const std::string& status) const;

 private:
  jinja::Value manifest_, results_;
  std::unordered_map<std::string, const jinja::Dict*> previous_;  // unique_id -> manifest entry
};

}  // namespace floe::dbt
