#pragma once
// The parsed form of a template: expressions and statements, each with its source position.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "floe/jinja/value.h"

namespace floe::jinja {

struct Position {
  uint32_t line = 1;
  uint32_t column = 1;
};

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct CallArgs {
  std::vector<ExprPtr> positional;
  std::vector<std::pair<std::string, ExprPtr>> keywords;
  ExprPtr star;         // *args
  ExprPtr double_star;  // **kwargs
};

struct Expr {
  enum class Kind : uint8_t {
    kLiteral,  // value
    kName,     // name
    kList,     // items
    kTuple,    // items
    kDict,     // items as key, value pairs
    kGetattr,  // target . name
    kGetitem,  // target [ args[0] ]
    kSlice,    // target [ a : b : c ] (items may be null)
    kCall,     // target ( call )
    kFilter,   // target | name ( call )   target null inside a filter block
    kTest,     // target is [not] name ( call )
    kUnary,    // op target        ("-", "+", "not")
    kBinary,   // target op right  ("+", "-", "*", "/", "//", "%", "**", "~", "and", "or")
    kCompare,  // target (ops[i] items[i])*   ("==", "!=", "<", ">", "<=", ">=", "in", "not in")
    kCond,     // items[0] if target else items[1] (items[1] may be null)
  };
  Kind kind;
  Position pos;
  Value value;
  std::string name;
  ExprPtr target;
  ExprPtr right;
  std::vector<ExprPtr> items;
  std::vector<std::string> ops;
  CallArgs call;
  bool negated = false;
};

struct Param {
  std::string name;
  ExprPtr default_value;
};

struct Stmt {
  enum class Kind : uint8_t {
    kText,         // text
    kPrint,        // expr
    kIf,           // branches (conditions[i], bodies[i]); else_body
    kFor,          // targets, expr (iterable), condition (optional filter), body, else_body
    kSet,          // targets (or attribute target: name . attribute), expr
    kSetBlock,     // targets[0], body, filters (expr chain on a null target)
    kMacro,        // name, params, body
    kCallBlock,    // expr (the call), params (caller's), body
    kFilterBlock,  // expr (filter chain), body
    kDo,           // expr
    kBreak,
    kContinue,
  };
  Kind kind;
  Position pos;
  std::string text;
  std::string name;
  std::string attribute;  // set ns.attr = …
  std::vector<std::string> targets;
  ExprPtr expr;
  ExprPtr condition;
  std::vector<ExprPtr> conditions;
  std::vector<Body> bodies;
  Body body;
  Body else_body;
  std::vector<Param> params;
  bool has_varargs = false;  // uses `varargs`
  bool has_kwargs = false;   // uses `kwargs`
  bool has_caller = false;   // uses `caller`
};

struct Template {
  std::string name;
  Body body;
};

}  // namespace floe::jinja
