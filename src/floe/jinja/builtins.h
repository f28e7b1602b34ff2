#pragma once
// Jinja2's builtin filters, tests and global functions, Python's methods on str, list and dict,
// and the operators with Python semantics.

#include <cstdint>
#include <optional>
#include <string>

#include "floe/jinja/ast.h"
#include "floe/jinja/value.h"

namespace floe::jinja {

class Interpreter;

/// The characters of a UTF-8 string, one string each (Python iterates code points).
List Utf8Chars(const std::string& s);
/// Python iteration: list items, dict keys, string characters; Undefined iterates as empty.
List Iterate(const Value& v, Position pos);
Value Arithmetic(const std::string& op, const Value& l, const Value& r, Position pos);
bool Compare(const std::string& op, const Value& l, const Value& r, Position pos);
/// `target.name` when `name` is a method of str, list or dict; Undefined otherwise.
Value BoundMethod(const Value& target, const std::string& name);
List SliceList(const List& items, std::optional<int64_t> start, std::optional<int64_t> stop,
               std::optional<int64_t> step, Position pos);
Value CallFilter(Interpreter& in, const std::string& name, const Value& input, Arguments& args,
                 Position pos);
bool CallTest(Interpreter& in, const std::string& name, const Value& input, Arguments& args,
              Position pos);
/// JSON text of a value as Jinja's tojson writes it (keys sorted), `indent` 0 for one line.
std::string ToJson(const Value& v, int indent = 0);
/// range, dict, namespace, lipsum-free globals of a Jinja2 environment.
void AddDefaultGlobals(Dict& globals);

}  // namespace floe::jinja
