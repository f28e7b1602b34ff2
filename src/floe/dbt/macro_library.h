#pragma once
// floe's own macro library for the `dbt` namespace (and adapter packages such as dbt_duckdb):
// the .sql files of src/floe/dbt/macros, compiled into the binary.

#include <string_view>
#include <vector>

namespace floe::dbt {

struct LibraryFile {
  const char* package;  // dbt | dbt_duckdb
  const char* path;     // macros/<package>/<file>.sql
  std::string_view text;
};

const std::vector<LibraryFile>& MacroLibrary();

}  // namespace floe::dbt
