#pragma once
// Rendering templates: a Jinja2-compatible interpreter that knows nothing of dbt. Templates reach
// no file, process or network: they see only the values and functions put into their context.

#include <string>
#include <string_view>
#include <vector>

#include "floe/base/diagnostic.h"
#include "floe/jinja/ast.h"
#include "floe/jinja/parser.h"
#include "floe/jinja/value.h"

namespace floe::jinja {

/// What a render that ended by `Interpreter::Return` at its top level (outside any macro)
/// throws: hosts decide whether that is an error.
struct MacroReturn {
  Value value;
};

/// A template's variables at one level (a macro's arguments, a loop's names): a handful of
/// names, so a vector searched linearly beats a tree.
class Scope {
 public:
  using Entry = std::pair<std::string, Value>;
  using iterator = std::vector<Entry>::iterator;
  using const_iterator = std::vector<Entry>::const_iterator;

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  iterator find(std::string_view name) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == name)
        return it;
    }
    return entries_.end();
  }
  const_iterator find(std::string_view name) const {
    return const_cast<Scope*>(this)->find(name);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  }
  Value& operator[](std::string_view name) {
    auto it = find(name);
    if (it != entries_.end())
      return it->second;
    return entries_.emplace_back(std::string(name), Value()).second;
  }

 private:
  std::vector<Entry> entries_;
};

/// Names a render sees besides its own variables: consulted after the template's scopes and
/// before the globals (dbt puts its macro namespace here, so a macro named `ref` wins).
class NameResolver {
 public:
  NameResolver() = default;
  NameResolver(const NameResolver&) = delete;
  NameResolver& operator=(const NameResolver&) = delete;
  NameResolver(NameResolver&&) = delete;
  NameResolver& operator=(NameResolver&&) = delete;
  virtual ~NameResolver() = default;
  virtual bool Resolve(const std::string& name, Value& out) const = 0;
};

/// A `{% macro %}` of `owner` as a value that can be called from any render, like a macro
/// imported from another template: its body sees its arguments and the caller's globals, not the
/// caller's variables.
Value MacroValue(std::shared_ptr<const Template> owner, const Stmt* macro);

/// The variables of a render: globals, then a stack of scopes.
class Interpreter {
 public:
  explicit Interpreter(const Dict& globals, const NameResolver* resolver = nullptr);

  /// Renders a parsed template; throws TemplateError.
  std::string Render(const Template& tpl);
  /// Jinja's native rendering: a template that is one `{{ expression }}` gives the expression's
  /// value (a list stays a list); any other template gives its rendered text.
  Value RenderValue(const Template& tpl);

  /// Calls a callable value with arguments (used by filters such as map).
  Value CallValue(const Value& callee, Arguments& args, Position pos);
  /// Applies a filter or test by name (select/reject/map use them).
  Value ApplyFilter(const std::string& name, const Value& input, Arguments& args, Position pos);
  bool ApplyTest(const std::string& name, const Value& input, Arguments& args, Position pos);

  /// Looks a name up through the scopes, then the globals.
  Value Lookup(const std::string& name) const;

  const std::string& template_name() const { return template_name_; }

  /// What the host renders for (dbt: the node), for host functions shared by every render:
  /// they find it here, through the interpreter they are called with.
  void set_host(void* host) { host_ = host; }
  void* host() const { return host_; }

  /// Where calls of `{% macro %}`s made outside any macro go (the macro's statement, once per
  /// call, in order): dbt records those as a node's depends_on.macros. Null: not recorded.
  void set_macro_call_log(std::vector<const Stmt*>* log) { macro_call_log_ = log; }

  /// dbt's parse-time rendering (its capture_macros mode): in the template's own code, outside
  /// macros, an attribute, item or call of an undefined value is undefined too rather than an
  /// error (`{{ some_package.macro() }}` parses before `dbt deps`). Macro bodies stay strict.
  void set_lenient_undefined(bool on) { lenient_undefined_ = on; }

  /// Ends the innermost macro being rendered with `value` (dbt's `return()`): the statement
  /// running finishes without calling anything more, and the macro returns `value` instead of its
  /// text. A flag rather than an exception: dbt macros return this way on every call.
  void Return(Value value) {
    returning_ = true;
    return_value_ = std::move(value);
  }

 private:
  friend class MacroCallable;
  friend class CallerCallable;
  enum class Flow : uint8_t { kNormal, kBreak, kContinue, kReturn };

  Flow Exec(const Body& body, std::string& out);
  Flow ExecStmt(const Stmt& s, std::string& out);
  void ExecFor(const Stmt& s, std::string& out);
  Value Eval(const Expr& e);
  Value EvalBinary(const Expr& e);
  Value EvalCompare(const Expr& e);
  Value GetAttr(const Value& target, const std::string& name, Position pos);
  Value GetItem(const Value& target, const Value& key, Position pos);
  Value Slice(const Value& target, const Expr& e);
  Arguments EvalArgs(const CallArgs& call);
  void Assign(const std::string& name, Value v);
  Value MakeMacro(const Stmt& s);
  Value ApplyFilterChain(const Expr& chain, Value input);
  void BindTargets(const Stmt& s, const Value& item);

  const Dict& globals_;
  const NameResolver* resolver_;
  void* host_ = nullptr;
  std::vector<Scope> scopes_;  // [0] is the template's top level
  std::string template_name_;
  int depth_ = 0;
  std::vector<const Stmt*>* macro_call_log_ = nullptr;
  bool lenient_undefined_ = false;
  bool Lenient() const { return lenient_undefined_ && depth_ == 0; }
  bool returning_ = false;
  Value return_value_;
  /// Throws MacroReturn when a top-level statement returned.
  void EndRender();
};

/// Parses and renders `source` with `context`; problems become diagnostics (FLOE-J…) that name
/// the template, line and column. Returns false on error.
bool RenderTemplate(std::string_view source, const std::string& name, const Dict& context,
                    std::string& output, Diagnostics& diagnostics);

/// JSON text -> Value (objects keep their key order).
Value FromJsonText(std::string_view json, bool* ok);

}  // namespace floe::jinja
