#pragma once
// Template text -> Template (ast.h): Jinja2's default syntax with whitespace control, comments
// and raw blocks; trailing newline dropped (keep_trailing_newline=False, as dbt configures it).

#include <string>
#include <string_view>

#include "floe/jinja/ast.h"

namespace floe::jinja {

/// A template problem at a place in the template: syntax errors from the parser, runtime errors
/// from the interpreter. Internal to the engine: the public entry points return diagnostics.
struct TemplateError {
  Position pos;
  std::string message;
};

/// Parses `source`; throws TemplateError. `origin` is where `source` starts in its file (for a
/// block cut out of a larger file), so positions name the file's lines.
Template Parse(std::string_view source, std::string name, Position origin = {});

}  // namespace floe::jinja
