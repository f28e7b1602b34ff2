#include "floe/jinja/render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "floe/jinja/builtins.h"

namespace floe::jinja {
namespace {

constexpr int kMaxDepth = 200;

[[noreturn]] void Throw(Position pos, std::string message) {
  throw TemplateError{pos, std::move(message)};
}

}  // namespace

// A macro defined with {% macro %}: renders its body with its arguments in a fresh scope that
// sees the template's top-level variables.
class MacroCallable : public Callable {
 public:
  explicit MacroCallable(const Stmt* stmt, std::shared_ptr<const Template> owner = nullptr)
      : stmt_(stmt), owner_(std::move(owner)) {}

  std::string name() const override { return stmt_->name.empty() ? "caller" : stmt_->name; }
  std::string repr() const override { return "<Macro '" + name() + "'>"; }

  Value Call(Interpreter& in, Arguments& args) override {
    const Stmt& s = *stmt_;
    if (in.macro_call_log_ != nullptr && in.depth_ == 0)
      in.macro_call_log_->push_back(stmt_);
    size_t n = s.params.size();
    if (args.positional.size() > n && !s.has_varargs) {
      Throw(s.pos,
            "macro '" + name() + "' takes not more than " + std::to_string(n) + " argument(s)");
    }
    // The body sees the template's top level (as it is now) and its own arguments; a macro of
    // another template (owner_ set) sees an empty top level instead.
    size_t keep = owner_ ? 0 : 1;
    std::vector<Scope> saved(std::make_move_iterator(in.scopes_.begin() + keep),
                             std::make_move_iterator(in.scopes_.end()));
    in.scopes_.resize(keep);
    if (owner_)
      in.scopes_.emplace_back();
    in.scopes_.emplace_back();
    auto restore = [&] {
      in.scopes_.resize(keep);
      for (Scope& scope : saved)
        in.scopes_.push_back(std::move(scope));
    };
    try {
      Scope& locals = in.scopes_.back();
      std::vector<bool> bound(n, false);
      for (size_t i = 0; i < n && i < args.positional.size(); ++i) {
        locals[s.params[i].name] = args.positional[i];
        bound[i] = true;
      }
      Dict kwargs;
      Value caller;
      for (auto& [k, v] : args.keywords) {
        if (k == "caller" && s.has_caller) {
          caller = v;
          continue;
        }
        const std::string& key =
            k;  // a structured binding cannot be captured before C++20 in clang 14
        auto param = std::find_if(s.params.begin(), s.params.end(),
                                  [&key](const Param& p) { return p.name == key; });
        if (param == s.params.end()) {
          if (!s.has_kwargs)
            Throw(s.pos, "macro '" + name() + "' takes no keyword argument '" + k + "'");
          kwargs.Set(Value(k), v);
          continue;
        }
        auto i = static_cast<size_t>(param - s.params.begin());
        if (bound[i])
          Throw(s.pos, "macro '" + name() + "' got multiple values for argument '" + k + "'");
        locals[k] = v;
        bound[i] = true;
      }
      // Defaults are evaluated at each call, after the arguments before them are bound.
      for (size_t i = 0; i < n; ++i) {
        if (bound[i])
          continue;
        const Param& p = s.params[i];
        in.scopes_.back()[p.name] =
            p.default_value ? in.Eval(*p.default_value) : Value::MakeUndefined(p.name);
      }
      if (s.has_varargs) {
        List extra;
        for (size_t i = n; i < args.positional.size(); ++i)
          extra.push_back(args.positional[i]);
        in.scopes_.back()["varargs"] = Value(std::move(extra), true);
      }
      if (s.has_kwargs)
        in.scopes_.back()["kwargs"] = Value(std::move(kwargs));
      if (s.has_caller)
        in.scopes_.back()["caller"] = caller;
      if (++in.depth_ > kMaxDepth)
        Throw(s.pos, "maximum recursion depth exceeded");
      std::string out;
      Value result;
      bool returned = false;
      try {
        in.Exec(s.body, out);
        if (in.returning_) {
          in.returning_ = false;
          result = std::move(in.return_value_);
          returned = true;
        }
      } catch (MacroReturn& r) {
        result = std::move(r.value);
        returned = true;
      }
      --in.depth_;
      restore();
      return returned ? result : Value(std::move(out));
    } catch (...) {
      restore();
      throw;
    }
  }

 private:
  const Stmt* stmt_;
  std::shared_ptr<const Template> owner_;  // keeps stmt_ alive for macros of other templates
};

Value MacroValue(std::shared_ptr<const Template> owner, const Stmt* macro) {
  return Value(std::shared_ptr<Callable>(std::make_shared<MacroCallable>(macro, std::move(owner))));
}

// The `caller` of a {% call %} block: renders the block body where the block stands.
class CallerCallable : public Callable {
 public:
  CallerCallable(const Stmt* stmt, std::vector<Scope> nested)
      : stmt_(stmt), nested_(std::move(nested)) {}
  std::string name() const override { return "caller"; }
  std::string repr() const override { return "<Macro anonymous>"; }

  Value Call(Interpreter& in, Arguments& args) override;

 private:
  const Stmt* stmt_;
  std::vector<Scope> nested_;  // the call site's scopes, top level first
};

Interpreter::Interpreter(const Dict& globals, const NameResolver* resolver)
    : globals_(globals), resolver_(resolver) {
  scopes_.emplace_back();
}

Value CallerCallable::Call(Interpreter& in, Arguments& args) {
  // The body runs in the call site's scopes (top level included: the macro that calls caller()
  // may belong to another template), with a scope of its own for its parameters.
  std::vector<Scope> saved(std::make_move_iterator(in.scopes_.begin()),
                           std::make_move_iterator(in.scopes_.end()));
  in.scopes_ = nested_;
  in.scopes_.emplace_back();
  auto restore = [&] { in.scopes_ = std::move(saved); };
  std::string out;
  try {
    const Stmt& s = *stmt_;
    for (size_t i = 0; i < s.params.size(); ++i) {
      const Param& p = s.params[i];
      Value v = args.Get(i, p.name);
      if (!args.Has(i, p.name))
        v = p.default_value ? in.Eval(*p.default_value) : Value::MakeUndefined(p.name);
      in.scopes_.back()[p.name] = v;
    }
    in.Exec(s.body, out);
  } catch (...) {
    restore();
    throw;
  }
  restore();
  return Value(std::move(out));
}

std::string Interpreter::Render(const Template& tpl) {
  template_name_ = tpl.name;
  std::string out;
  Exec(tpl.body, out);
  EndRender();
  return out;
}

void Interpreter::EndRender() {
  if (returning_) {
    returning_ = false;
    throw MacroReturn{std::move(return_value_)};
  }
}

Value Interpreter::RenderValue(const Template& tpl) {
  if (tpl.body.size() == 1 && tpl.body[0]->kind == Stmt::Kind::kPrint) {
    template_name_ = tpl.name;
    Value v = Eval(*tpl.body[0]->expr);
    EndRender();
    return v;
  }
  return Value(Render(tpl));
}

Value Interpreter::Lookup(const std::string& name) const {
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
    auto f = it->find(name);
    if (f != it->end())
      return f->second;
  }
  Value resolved;
  if (resolver_ != nullptr && resolver_->Resolve(name, resolved))
    return resolved;
  if (const Value* g = globals_.FindKey(name))
    return *g;
  return Value::MakeUndefined(name);
}

void Interpreter::Assign(const std::string& name, Value v) {
  scopes_.back()[name] = std::move(v);
}

Interpreter::Flow Interpreter::Exec(const Body& body, std::string& out) {
  for (const StmtPtr& s : body) {
    Flow f = ExecStmt(*s, out);
    if (returning_)
      return Flow::kReturn;
    if (f != Flow::kNormal)
      return f;
  }
  return Flow::kNormal;
}

Value Interpreter::MakeMacro(const Stmt& s) {
  return Value(std::shared_ptr<Callable>(std::make_shared<MacroCallable>(&s)));
}

Interpreter::Flow Interpreter::ExecStmt(const Stmt& s, std::string& out) {
  switch (s.kind) {
    case Stmt::Kind::kText:
      out += s.text;
      return Flow::kNormal;
    case Stmt::Kind::kPrint: {
      Value v = Eval(*s.expr);
      out += v.Str();
      return Flow::kNormal;
    }
    case Stmt::Kind::kIf:
      for (size_t i = 0; i < s.conditions.size(); ++i) {
        if (Eval(*s.conditions[i]).Truthy())
          return Exec(s.bodies[i], out);
      }
      return Exec(s.else_body, out);
    case Stmt::Kind::kFor:
      ExecFor(s, out);
      return Flow::kNormal;
    case Stmt::Kind::kSet: {
      Value v = Eval(*s.expr);
      if (!s.attribute.empty()) {
        Value target = Lookup(s.targets[0]);
        if (!target.is_dict() || !target.as_dict().is_namespace()) {
          Throw(s.pos, "cannot assign attribute on non-namespace object");
        }
        target.as_dict().Set(Value(s.attribute), v);
        return Flow::kNormal;
      }
      if (s.targets.size() == 1) {
        Assign(s.targets[0], v);
        return Flow::kNormal;
      }
      if (!v.is_list() && !v.is_string())
        Throw(s.pos, "cannot unpack non-iterable " + v.TypeName() + " object");
      List items = v.is_list() ? v.as_list() : Iterate(v, s.pos);
      if (items.size() != s.targets.size()) {
        Throw(s.pos,
              items.size() > s.targets.size()
                  ? "too many values to unpack (expected " + std::to_string(s.targets.size()) + ")"
                  : "not enough values to unpack (expected " + std::to_string(s.targets.size()) +
                        ", got " + std::to_string(items.size()) + ")");
      }
      for (size_t i = 0; i < items.size(); ++i)
        Assign(s.targets[i], items[i]);
      return Flow::kNormal;
    }
    case Stmt::Kind::kSetBlock: {
      std::string body;
      Exec(s.body, body);
      Value v(body);
      if (s.expr)
        v = ApplyFilterChain(*s.expr, v);
      Assign(s.targets[0], v);
      return Flow::kNormal;
    }
    case Stmt::Kind::kMacro:
      Assign(s.name, MakeMacro(s));
      return Flow::kNormal;
    case Stmt::Kind::kCallBlock: {
      Value caller(std::shared_ptr<Callable>(std::make_shared<CallerCallable>(
          &s, std::vector<Scope>(scopes_.begin(), scopes_.end()))));
      const Expr& call = *s.expr;
      Value callee = Eval(*call.target);
      Arguments args = EvalArgs(call.call);
      args.keywords.emplace_back("caller", caller);
      out += CallValue(callee, args, call.pos).Str();
      return Flow::kNormal;
    }
    case Stmt::Kind::kFilterBlock: {
      std::string body;
      Exec(s.body, body);
      out += ApplyFilterChain(*s.expr, Value(body)).Str();
      return Flow::kNormal;
    }
    case Stmt::Kind::kDo:
      Eval(*s.expr);
      return Flow::kNormal;
    case Stmt::Kind::kBreak:
      return Flow::kBreak;
    case Stmt::Kind::kContinue:
      return Flow::kContinue;
  }
  return Flow::kNormal;
}

Value Interpreter::ApplyFilterChain(const Expr& chain, Value input) {
  // The chain was parsed on a null target: apply from the innermost filter outwards.
  std::vector<const Expr*> filters;
  for (const Expr* f = &chain; f != nullptr; f = f->target.get())
    filters.push_back(f);
  for (auto it = filters.rbegin(); it != filters.rend(); ++it) {
    Arguments args = EvalArgs((*it)->call);
    input = ApplyFilter((*it)->name, input, args, (*it)->pos);
  }
  return input;
}

void Interpreter::ExecFor(const Stmt& s, std::string& out) {
  Value iterable = Eval(*s.expr);
  List items = Iterate(iterable, s.expr->pos);
  scopes_.emplace_back();
  if (s.condition) {
    List kept;
    for (const Value& item : items) {
      BindTargets(s, item);
      if (Eval(*s.condition).Truthy())
        kept.push_back(item);
    }
    items = std::move(kept);
  }
  size_t n = items.size();
  Dict loop;
  Value loop_value(std::move(loop));
  bool completed = false;
  auto last_seen = std::make_shared<Value>();  // loop.changed() remembers across iterations
  try {
    for (size_t i = 0; i < n; ++i) {
      Dict& l = loop_value.as_dict();
      l.Set(Value("index"), Value(i + 1));
      l.Set(Value("index0"), Value(i));
      l.Set(Value("revindex"), Value(n - i));
      l.Set(Value("revindex0"), Value(n - i - 1));
      l.Set(Value("first"), Value(i == 0));
      l.Set(Value("last"), Value(i + 1 == n));
      l.Set(Value("length"), Value(n));
      l.Set(Value("depth"), Value(1));
      l.Set(Value("depth0"), Value(0));
      l.Set(Value("previtem"), i > 0 ? items[i - 1] : Value::MakeUndefined("previtem"));
      l.Set(Value("nextitem"), i + 1 < n ? items[i + 1] : Value::MakeUndefined("nextitem"));
      l.Set(Value("changed"),
            Value::Function("changed", [last_seen](Interpreter&, Arguments& args) {
              Value now(args.positional, true);
              if (!last_seen->is_undefined() && last_seen->Equals(now))
                return Value(false);
              *last_seen = now;
              return Value(true);
            }));
      l.Set(Value("cycle"), Value::Function("cycle", [i](Interpreter&, Arguments& args) {
              if (args.positional.empty())
                return Value::MakeUndefined("cycle");
              return args.positional[i % args.positional.size()];
            }));
      BindTargets(s, items[i]);
      scopes_.back()["loop"] = loop_value;
      Flow f = Exec(s.body, out);
      if (f == Flow::kBreak)
        break;
      if (f == Flow::kReturn) {
        completed = true;  // no else
        break;
      }
      if (f == Flow::kNormal)
        completed = true;
    }
    // Jinja2 runs `else` unless some iteration reached the end of the body.
    if (!completed)
      Exec(s.else_body, out);
  } catch (...) {
    scopes_.pop_back();
    throw;
  }
  scopes_.pop_back();
}

void Interpreter::BindTargets(const Stmt& s, const Value& item) {
  if (s.targets.size() == 1) {
    scopes_.back()[s.targets[0]] = item;
    return;
  }
  List parts = Iterate(item, s.pos);
  if (parts.size() != s.targets.size()) {
    Throw(s.pos,
          parts.size() > s.targets.size()
              ? "too many values to unpack (expected " + std::to_string(s.targets.size()) + ")"
              : "not enough values to unpack (expected " + std::to_string(s.targets.size()) +
                    ", got " + std::to_string(parts.size()) + ")");
  }
  for (size_t i = 0; i < parts.size(); ++i)
    scopes_.back()[s.targets[i]] = parts[i];
}

Arguments Interpreter::EvalArgs(const CallArgs& call) {
  Arguments args;
  for (const ExprPtr& a : call.positional)
    args.positional.push_back(Eval(*a));
  for (const auto& [k, a] : call.keywords)
    args.keywords.emplace_back(k, Eval(*a));
  if (call.star) {
    Value extra = Eval(*call.star);
    for (const Value& v : Iterate(extra, call.star->pos))
      args.positional.push_back(v);
  }
  if (call.double_star) {
    Value extra = Eval(*call.double_star);
    if (extra.is_dict()) {
      for (const auto& [k, v] : extra.as_dict().entries())
        args.keywords.emplace_back(k.Str(), v);
    }
  }
  return args;
}

Value Interpreter::CallValue(const Value& callee, Arguments& args, Position pos) {
  if (returning_)  // the rest of a statement that returned calls nothing
    return Value::MakeNone();
  if (callee.is_callable())
    return callee.as_callable()->Call(*this, args);
  if (callee.is_undefined()) {
    if (Lenient())
      return callee;
    Throw(pos, "'" + callee.undefined_name() + "' is undefined");
  }
  Throw(pos, "'" + callee.TypeName() + "' object is not callable");
}

Value Interpreter::Eval(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      return e.value;
    case Expr::Kind::kName:
      return Lookup(e.name);
    case Expr::Kind::kList:
    case Expr::Kind::kTuple: {
      List items;
      for (const ExprPtr& i : e.items)
        items.push_back(Eval(*i));
      return Value(std::move(items), e.kind == Expr::Kind::kTuple);
    }
    case Expr::Kind::kDict: {
      Dict d;
      for (size_t i = 0; i + 1 < e.items.size(); i += 2)
        d.Set(Eval(*e.items[i]), Eval(*e.items[i + 1]));
      return Value(std::move(d));
    }
    case Expr::Kind::kGetattr:
      return GetAttr(Eval(*e.target), e.name, e.pos);
    case Expr::Kind::kGetitem:
      return GetItem(Eval(*e.target), Eval(*e.items[0]), e.pos);
    case Expr::Kind::kSlice:
      return Slice(Eval(*e.target), e);
    case Expr::Kind::kCall: {
      Value callee = Eval(*e.target);
      Arguments args = EvalArgs(e.call);
      if (callee.is_undefined() && e.target->kind == Expr::Kind::kGetattr && !Lenient()) {
        Value owner = Eval(*e.target->target);
        Throw(e.pos, "'" + owner.TypeName() + "' object has no attribute '" + e.target->name + "'");
      }
      return CallValue(callee, args, e.pos);
    }
    case Expr::Kind::kFilter: {
      Value input = Eval(*e.target);
      Arguments args = EvalArgs(e.call);
      return ApplyFilter(e.name, input, args, e.pos);
    }
    case Expr::Kind::kTest: {
      Value input = Eval(*e.target);
      Arguments args = EvalArgs(e.call);
      bool r = ApplyTest(e.name, input, args, e.pos);
      return Value(e.negated ? !r : r);
    }
    case Expr::Kind::kUnary: {
      if (e.name == "not")
        return Value(!Eval(*e.target).Truthy());
      Value v = Eval(*e.target);
      if (v.is_undefined())
        Throw(e.pos, "'" + v.undefined_name() + "' is undefined");
      if (!v.is_number())
        Throw(e.pos, "bad operand type for unary " + e.name + ": '" + v.TypeName() + "'");
      if (e.name == "+")
        return v.is_bool() ? Value(v.as_int()) : v;
      if (v.is_float())
        return Value(-v.as_double());
      return Value(-v.as_int());
    }
    case Expr::Kind::kBinary:
      return EvalBinary(e);
    case Expr::Kind::kCompare:
      return EvalCompare(e);
    case Expr::Kind::kCond:
      if (Eval(*e.target).Truthy())
        return Eval(*e.items[0]);
      return e.items[1] ? Eval(*e.items[1]) : Value::MakeUndefined("");
  }
  return Value();
}

Value Interpreter::EvalBinary(const Expr& e) {
  const std::string& op = e.name;
  if (op == "and") {
    Value l = Eval(*e.target);
    return l.Truthy() ? Eval(*e.right) : l;
  }
  if (op == "or") {
    Value l = Eval(*e.target);
    return l.Truthy() ? l : Eval(*e.right);
  }
  Value l = Eval(*e.target);
  Value r = Eval(*e.right);
  if (op == "~")
    return Value(l.Str() + r.Str());
  return Arithmetic(op, l, r, e.pos);
}

Value Interpreter::EvalCompare(const Expr& e) {
  Value left = Eval(*e.target);
  for (size_t i = 0; i < e.ops.size(); ++i) {
    Value right = Eval(*e.items[i]);
    if (!Compare(e.ops[i], left, right, e.pos))
      return Value(false);
    left = std::move(right);
  }
  return Value(true);
}

Value Interpreter::GetAttr(const Value& target, const std::string& name, Position pos) {
  if (target.is_undefined()) {
    if (Lenient())
      return Value::MakeUndefined(name);
    Throw(pos, "'" + target.undefined_name() + "' is undefined");
  }
  if (target.is_object())
    return target.as_object()->Attr(name);
  Value method = BoundMethod(target, name);
  if (!method.is_undefined())
    return method;
  if (target.is_dict()) {
    if (const Value* v = target.as_dict().FindKey(name))
      return *v;
  }
  return Value::MakeUndefined(name);
}

Value Interpreter::GetItem(const Value& target, const Value& key, Position pos) {
  if (target.is_undefined()) {
    if (Lenient())
      return target;
    Throw(pos, "'" + target.undefined_name() + "' is undefined");
  }
  if (target.is_dict()) {
    if (const Value* v = target.as_dict().Find(key))
      return *v;
    if (key.is_string())
      return BoundMethod(target, key.Str());
    return Value::MakeUndefined(key.Str());
  }
  if (target.is_object())
    return target.as_object()->Item(key);
  if (target.is_list() && (key.is_int() || key.is_bool())) {
    const List& items = target.as_list();
    int64_t i = key.as_int();
    auto n = static_cast<int64_t>(items.size());
    if (i < 0)
      i += n;
    if (i < 0 || i >= n)
      return Value::MakeUndefined(key.Str());
    return items[static_cast<size_t>(i)];
  }
  if (target.is_string() && (key.is_int() || key.is_bool())) {
    List items = Utf8Chars(target.Str());
    int64_t i = key.as_int();
    auto n = static_cast<int64_t>(items.size());
    if (i < 0)
      i += n;
    if (i < 0 || i >= n)
      return Value::MakeUndefined(key.Str());
    return items[static_cast<size_t>(i)];
  }
  if (key.is_string())
    return GetAttr(target, key.Str(), pos);
  return Value::MakeUndefined(key.Str());
}

Value Interpreter::Slice(const Value& target, const Expr& e) {
  if (!target.is_list() && !target.is_string())
    Throw(e.pos, "'" + target.TypeName() + "' object is not subscriptable");
  auto bound = [&](size_t i) -> std::optional<int64_t> {
    if (!e.items[i])
      return std::nullopt;
    Value v = Eval(*e.items[i]);
    if (v.is_none())
      return std::nullopt;
    if (!v.is_int() && !v.is_bool())
      Throw(e.pos, "slice indices must be integers or None");
    return v.as_int();
  };
  List items = target.is_list() ? target.as_list() : Utf8Chars(target.Str());
  List out = SliceList(items, bound(0), bound(1), bound(2), e.pos);
  if (target.is_string()) {
    std::string s;
    for (const Value& c : out)
      s += c.as_string();
    return Value(s);
  }
  return Value(std::move(out), target.is_tuple());
}

Value Interpreter::ApplyFilter(const std::string& name, const Value& input, Arguments& args,
                               Position pos) {
  return CallFilter(*this, name, input, args, pos);
}

bool Interpreter::ApplyTest(const std::string& name, const Value& input, Arguments& args,
                            Position pos) {
  return CallTest(*this, name, input, args, pos);
}

bool RenderTemplate(std::string_view source, const std::string& name, const Dict& context,
                    std::string& output, Diagnostics& diagnostics) {
  try {
    Template tpl = Parse(source, name);
    try {
      Dict globals;
      AddDefaultGlobals(globals);
      for (const auto& [k, v] : context.entries())
        globals.Set(k, v);
      Interpreter interpreter(globals);
      output = interpreter.Render(tpl);
      return true;
    } catch (const TemplateError& e) {
      diagnostics.Error(Code::kTemplateRender, {name, e.pos.line, e.pos.column}, e.message);
    } catch (const MacroReturn&) {
      diagnostics.Error(Code::kTemplateRender, {name, 0, 0}, "return() outside of a macro");
    } catch (const std::exception& e) {
      // A value of an unexpected type reached an operation that does not check it: report, do
      // not crash.
      diagnostics.Error(Code::kTemplateRender, {name, 0, 0},
                        std::string("unsupported operation on a value: ") + e.what());
    }
  } catch (const TemplateError& e) {
    diagnostics.Error(Code::kTemplateSyntax, {name, e.pos.line, e.pos.column}, e.message);
  }
  return false;
}

namespace {

Value FromJson(const nlohmann::ordered_json& j) {
  if (j.is_null())
    return Value::MakeNone();
  if (j.is_boolean())
    return Value(j.get<bool>());
  if (j.is_number_integer())
    return Value(j.get<int64_t>());
  if (j.is_number())
    return Value(j.get<double>());
  if (j.is_string())
    return Value(j.get<std::string>());
  if (j.is_array()) {
    List items;
    for (const auto& item : j)
      items.push_back(FromJson(item));
    return Value(std::move(items));
  }
  Dict d;
  for (const auto& [k, v] : j.items())
    d.Set(Value(k), FromJson(v));
  return Value(std::move(d));
}

}  // namespace

Value FromJsonText(std::string_view json, bool* ok) {
  auto j = nlohmann::ordered_json::parse(json, nullptr, false);
  *ok = !j.is_discarded();
  return *ok ? FromJson(j) : Value();
}

}  // namespace floe::jinja
