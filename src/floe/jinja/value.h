#pragma once
// The values templates compute with, with Python's semantics (what Jinja2 templates expect):
// lists and dicts are shared references (`.append` is visible through every name), str() and
// repr() print as Python does, truthiness and comparison follow Python.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace floe::jinja {

class Value;
struct Arguments;
class Interpreter;

using List = std::vector<Value>;

class Dict;

/// An object of the host: something a template can call (a macro, a builtin function, a bound
/// method) or an object with attributes (a dbt Relation, a config object). Subclasses override
/// what they support; the defaults behave like a Python function.
class Callable {
 public:
  Callable() = default;
  Callable(const Callable&) = delete;
  Callable& operator=(const Callable&) = delete;
  Callable(Callable&&) = delete;
  Callable& operator=(Callable&&) = delete;
  virtual ~Callable() = default;
  virtual Value Call(Interpreter& interpreter, Arguments& args) = 0;
  virtual std::string name() const = 0;
  /// Python's repr of the object.
  virtual std::string repr() const { return "<function " + name() + ">"; }
  /// Python's str of the object.
  virtual std::string str() const { return repr(); }
  /// `obj.name`: Undefined when there is no such attribute.
  virtual Value Attr(const std::string& name);
  /// `obj[key]`: by default the attribute of that name.
  virtual Value Item(const Value& key);
  /// Whether `obj(...)` works (the `callable` test).
  virtual bool callable() const { return true; }
  /// Mappings answer `is mapping`, iterate over Keys() and support `in`.
  virtual bool mapping() const { return false; }
  virtual std::vector<Value> Keys() const;
  virtual std::string type_name() const { return "function"; }
  /// Python's bool(obj).
  virtual bool truthy() const { return true; }
  /// `self op other` (or `other op self` when `reflected`) for objects with arithmetic (dates);
  /// false when the operation is not supported.
  virtual bool Binary(const std::string& /*op*/, const Value& /*other*/, bool /*reflected*/,
                      Value* /*out*/) {
    return false;
  }
  /// Ordering and equality for objects with a value (dates): -1, 0, 1, or false if unordered.
  virtual bool Compare(const Value& /*other*/, int* /*result*/) const { return false; }
};

using NativeFunction = std::function<Value(Interpreter&, Arguments&)>;

class Value {
 public:
  struct Undefined {
    std::string name;  // what was looked up, for error messages
  };
  struct None {};
  struct ListRef {
    std::shared_ptr<List> items;
    bool tuple = false;
  };

  Value() : v_(Undefined{}) {}
  static Value MakeUndefined(std::string name) { return Value(Undefined{std::move(name)}); }
  static Value MakeNone() { return Value(None{}); }
  Value(bool b) : v_(b) {}                           // NOLINT(google-explicit-constructor)
  Value(int64_t i) : v_(i) {}                        // NOLINT(google-explicit-constructor)
  Value(int i) : v_(static_cast<int64_t>(i)) {}      // NOLINT(google-explicit-constructor)
  Value(size_t i) : v_(static_cast<int64_t>(i)) {}   // NOLINT(google-explicit-constructor)
  Value(double d) : v_(d) {}                         // NOLINT(google-explicit-constructor)
  Value(std::string s) : v_(std::move(s)) {}         // NOLINT(google-explicit-constructor)
  Value(const char* s) : v_(std::string(s)) {}       // NOLINT(google-explicit-constructor)
  Value(std::string_view s) : v_(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  Value(List items, bool tuple = false)              // NOLINT(google-explicit-constructor)
      : v_(ListRef{std::make_shared<List>(std::move(items)), tuple}) {}
  Value(Dict dict);                                         // NOLINT(google-explicit-constructor)
  Value(std::shared_ptr<Callable> f) : v_(std::move(f)) {}  // NOLINT(google-explicit-constructor)
  static Value Function(std::string name, NativeFunction f);

  bool is_undefined() const { return std::holds_alternative<Undefined>(v_); }
  bool is_none() const { return std::holds_alternative<None>(v_); }
  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  bool is_int() const { return std::holds_alternative<int64_t>(v_); }
  bool is_float() const { return std::holds_alternative<double>(v_); }
  bool is_number() const { return is_int() || is_float() || is_bool(); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_list() const { return std::holds_alternative<ListRef>(v_); }
  bool is_tuple() const { return is_list() && std::get<ListRef>(v_).tuple; }
  bool is_dict() const { return std::holds_alternative<std::shared_ptr<Dict>>(v_); }
  /// A host object (function or not).
  bool is_object() const { return std::holds_alternative<std::shared_ptr<Callable>>(v_); }
  bool is_callable() const { return is_object() && as_callable()->callable(); }

  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const;  // bool and int
  double as_double() const;
  const std::string& as_string() const { return std::get<std::string>(v_); }
  List& as_list() const { return *std::get<ListRef>(v_).items; }
  Dict& as_dict() const { return *std::get<std::shared_ptr<Dict>>(v_); }
  const std::shared_ptr<Callable>& as_object() const { return as_callable(); }
  const std::shared_ptr<Callable>& as_callable() const {
    return std::get<std::shared_ptr<Callable>>(v_);
  }
  const std::string& undefined_name() const { return std::get<Undefined>(v_).name; }

  /// Python's bool(x).
  bool Truthy() const;
  /// Python's str(x) (Undefined renders as the empty string, as Jinja2's default Undefined).
  std::string Str() const;
  /// Python's repr(x).
  std::string Repr() const;
  /// "str", "int", "list", … for messages.
  std::string TypeName() const;

  /// Python's ==.
  bool Equals(const Value& other) const;
  /// Python's < for numbers, strings and sequences; false and `*ok = false` otherwise.
  bool Less(const Value& other, bool* ok) const;
  /// Same object (Python's `is`) for lists, dicts and callables; equality for the rest.
  bool SameAs(const Value& other) const;

 private:
  explicit Value(Undefined u) : v_(std::move(u)) {}
  explicit Value(None n) : v_(n) {}

  std::variant<Undefined, None, bool, int64_t, double, std::string, ListRef, std::shared_ptr<Dict>,
               std::shared_ptr<Callable>>
      v_;
};

/// A dict keeping insertion order (as Python's does).
class Dict {
 public:
  Dict() = default;
  Dict(const Dict& other);
  Dict& operator=(const Dict& other);
  Dict(Dict&&) noexcept = default;
  Dict& operator=(Dict&&) noexcept = default;
  ~Dict() = default;

  Value* Find(const Value& key);
  const Value* Find(const Value& key) const;
  const Value* FindKey(std::string_view key) const;
  void Set(Value key, Value value);
  /// Adds an entry whose key the caller knows is not there yet (builders of known shapes).
  void Append(Value key, Value value);
  void Reserve(size_t n) { entries_.reserve(n); }
  /// Gives back the capacity beyond the entries (dicts kept for a whole run: nodes, configs).
  void ShrinkToFit() { entries_.shrink_to_fit(); }
  bool Erase(const Value& key);
  size_t size() const { return entries_.size(); }
  size_t capacity() const { return entries_.capacity(); }
  /// A `namespace()` object: the one kind of object `{% set ns.attr = … %}` may assign to.
  bool is_namespace() const { return namespace_; }
  void set_namespace(bool on) { namespace_ = on; }
  const std::vector<std::pair<Value, Value>>& entries() const { return entries_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Index = std::unordered_map<std::string, size_t, Hash, std::equal_to<>>;
  // Positions of string keys, built as a dict grows large (collections of many nodes) and kept
  // up to date by every change, so that lookups never write (dicts are read from several
  // threads); dicts of a few dozen entries (a node, a config) are searched linearly.
  void BuildIndex();
  std::ptrdiff_t Position(std::string_view key) const;

  std::vector<std::pair<Value, Value>> entries_;
  bool namespace_ = false;
  std::unique_ptr<Index> index_;
};

/// Stores equal lists and dicts once: Intern() returns an earlier value equal to `v` (same types
/// all the way down) when there is one, else `v` itself, remembered. For the many equal configs
/// and defaults of a large project's nodes. The values it returns are shared: whoever interns a
/// value must not change it afterwards. Values holding host objects are returned as they are.
/// Not thread-safe (one per thread); forgets everything once it holds `capacity` values.
class ValueInterner {
 public:
  explicit ValueInterner(size_t capacity = 4096) : capacity_(capacity) {}
  Value Intern(const Value& v);

 private:
  std::unordered_map<std::string, Value> seen_;  // canonical text of the value -> the value
  size_t capacity_;
};

/// Positional and keyword arguments of a call.
struct Arguments {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keywords;

  /// Positional `index`, else keyword `name`, else `fallback`; marks the keyword as used.
  Value Get(size_t index, std::string_view name, Value fallback = Value());
  bool Has(size_t index, std::string_view name) const;
};

/// Python's repr of a float ("1.0", "0.1", "1e+20").
std::string FormatFloat(double d);

}  // namespace floe::jinja
