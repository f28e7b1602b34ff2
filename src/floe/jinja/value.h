#pragma once
// The values templates compute with, with Python's semantics (what Jinja2 templates expect):
// lists and dicts are shared references (`.append` is visible through every name), str() and
// repr() print as Python does, truthiness and comparison follow Python.

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
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
  /// The items `for` and the filters iterate over, for an object that is a sequence (false
  /// when it is not one).
  virtual bool Elements(std::vector<Value>* /*out*/) const { return false; }
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
  Value() : kind_(Kind::kUndefined) {}
  static Value MakeUndefined(std::string_view name) {
    Value v;
    v.SetText(name);
    return v;
  }
  static Value MakeNone() {
    Value v;
    v.kind_ = Kind::kNone;
    return v;
  }
  Value(bool b) : kind_(Kind::kBool) { Put(b); }       // NOLINT(google-explicit-constructor)
  Value(int64_t i) : kind_(Kind::kInt) { Put(i); }     // NOLINT(google-explicit-constructor)
  Value(int i) : Value(static_cast<int64_t>(i)) {}     // NOLINT(google-explicit-constructor)
  Value(size_t i) : Value(static_cast<int64_t>(i)) {}  // NOLINT(google-explicit-constructor)
  Value(double d) : kind_(Kind::kFloat) { Put(d); }    // NOLINT(google-explicit-constructor)
  Value(std::string_view s) : kind_(Kind::kString) { SetText(s); }  // NOLINT
  Value(const std::string& s) : Value(std::string_view(s)) {}       // NOLINT
  Value(const char* s) : Value(std::string_view(s)) {}              // NOLINT
  Value(List items, bool tuple = false);  // NOLINT(google-explicit-constructor)
  Value(Dict dict);                       // NOLINT(google-explicit-constructor)
  Value(std::shared_ptr<Callable> f);     // NOLINT(google-explicit-constructor)
  static Value Function(std::string name, NativeFunction f);

  Value(const Value& other) noexcept : len_(other.len_), kind_(other.kind_) {
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    if (Rep* r = rep())
      r->refs.fetch_add(1, std::memory_order_relaxed);
  }
  Value(Value&& other) noexcept : len_(other.len_), kind_(other.kind_) {
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    other.kind_ = Kind::kNone;  // holds nothing now
  }
  Value& operator=(const Value& other) noexcept {
    if (this != &other) {
      Value copy(other);
      Swap(copy);
    }
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      Release();
      std::memcpy(bytes_, other.bytes_, sizeof bytes_);
      len_ = other.len_;
      kind_ = other.kind_;
      other.kind_ = Kind::kNone;
    }
    return *this;
  }
  ~Value() { Release(); }

  bool is_undefined() const { return kind_ == Kind::kUndefined; }
  bool is_none() const { return kind_ == Kind::kNone; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_float() const { return kind_ == Kind::kFloat; }
  bool is_number() const { return is_int() || is_float() || is_bool(); }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_list() const { return kind_ == Kind::kList || kind_ == Kind::kTuple; }
  bool is_tuple() const { return kind_ == Kind::kTuple; }
  bool is_dict() const { return kind_ == Kind::kDict; }
  /// A host object (function or not).
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_callable() const { return is_object() && as_callable()->callable(); }

  bool as_bool() const { return Get<bool>(); }
  int64_t as_int() const {
    return is_bool() ? (Get<bool>() ? 1 : 0) : Get<int64_t>();
  }  // bool and int
  double as_double() const;
  /// The text of a string; valid while this value lives and is not assigned to.
  std::string_view as_string() const { return Text(); }
  List& as_list() const;
  Dict& as_dict() const;
  const std::shared_ptr<Callable>& as_object() const { return as_callable(); }
  const std::shared_ptr<Callable>& as_callable() const;
  std::string undefined_name() const { return std::string(Text()); }

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

  /// Marks a list or dict as never to be changed in place again (a value shared by many
  /// holders, such as an interned one): whoever wants to change it changes a copy. Set before
  /// the value is shared with other threads.
  void Freeze() const {
    if (is_list() || is_dict())
      Get<Rep*>()->frozen = true;
  }
  /// Whether Freeze() was called on this list or dict (or any value sharing it).
  bool frozen() const { return (is_list() || is_dict()) && Get<Rep*>()->frozen; }
  /// The shared block of a list, dict, object or long text (what copies have in common), or
  /// null: an identity for caches keyed by frozen values.
  const void* identity() const { return rep(); }

  /// Texts of up to this many bytes are kept in the value itself.
  static constexpr size_t kShortText = 14;
  /// The same representation, bit for bit: for a short string (or a scalar) that is equality of
  /// kind and content, since inline texts are zero-padded. Dict lookups compare keys so.
  bool SameBits(const Value& other) const { return std::memcmp(this, &other, sizeof(Value)) == 0; }

 private:
  // 16 bytes: a payload, the length of a short text kept inline, the kind. Texts (strings, the
  // name of an Undefined) of up to kShortText bytes are stored in the value itself; longer ones,
  // lists, dicts and objects in a reference-counted block shared by copies (Python's sharing of
  // lists and dicts; for texts, copies without allocation).
  enum class Kind : uint8_t {
    kUndefined,
    kNone,
    kBool,
    kInt,
    kFloat,
    kString,
    kList,
    kTuple,
    kDict,
    kObject
  };
  static constexpr uint8_t kLongText = 0xFF;  // len_: the text is a TextRep
  struct Rep {
    std::atomic<uint32_t> refs{1};
    bool frozen = false;  // see Freeze()
  };
  struct TextRep;
  struct ListRep;
  struct DictRep;
  struct ObjectRep;

  Rep* rep() const {
    switch (kind_) {
      case Kind::kUndefined:
      case Kind::kString:
        return len_ == kLongText ? Get<Rep*>() : nullptr;
      case Kind::kList:
      case Kind::kTuple:
      case Kind::kDict:
      case Kind::kObject:
        return Get<Rep*>();
      default:
        return nullptr;
    }
  }
  void Release() noexcept {
    if (Rep* r = rep(); r != nullptr && r->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
      Destroy(r);
  }
  void Destroy(Rep* r) noexcept;
  void SetText(std::string_view s) {  // inline: a literal's length and copy fold away
    if (s.size() <= kShortText) {
      std::memcpy(bytes_, s.data(), s.size());
      len_ = static_cast<uint8_t>(s.size());
    } else {
      SetLongText(s);
    }
  }
  void SetLongText(std::string_view s);
  std::string_view Text() const;
  void Swap(Value& other) noexcept {
    char tmp[kShortText];
    std::memcpy(tmp, bytes_, sizeof tmp);
    std::memcpy(bytes_, other.bytes_, sizeof tmp);
    std::memcpy(other.bytes_, tmp, sizeof tmp);
    std::swap(len_, other.len_);
    std::swap(kind_, other.kind_);
  }

  // The payload (bool, int64, double or Rep*) in the first 8 bytes, read and written by memcpy;
  // a short text in all kShortText bytes.
  template <class T>
  T Get() const {
    T t;
    std::memcpy(&t, bytes_, sizeof t);
    return t;
  }
  template <class T>
  void Put(T t) {
    std::memcpy(bytes_, &t, sizeof t);
  }

  alignas(8) char bytes_[kShortText] = {};
  uint8_t len_ = 0;
  Kind kind_;
};
static_assert(sizeof(Value) == 16, "a Value is two words");

/// A dict keeping insertion order (as Python's does). Its keys are kept apart from its values,
/// in a key list that dicts of one shape (the same keys in the same order: the nodes of a
/// type, the refs of a node…) share once ShareKeys() found an equal one; a dict that adds or
/// removes a key first takes its own copy of the list.
class Dict {
  struct Keys;

 public:
  /// The key list of a dict, kept to build others like it.
  class Shape {
   public:
    Shape() = default;
    Shape(const Shape& other);
    Shape& operator=(const Shape& other);
    ~Shape();

   private:
    friend class Dict;
    Keys* keys_ = nullptr;
  };

  Dict() = default;
  /// An empty dict that expects the keys of `shape` in their order: appending them shares that
  /// key list (nothing copied, nothing hashed); the first other key gives the dict its own list.
  explicit Dict(const Shape& shape);
  /// This dict's key list (to build the next dict of its shape with).
  Shape shape() const;
  /// The identity of this dict's key list when other dicts share it (null otherwise): a key
  /// for caches of what depends only on the keys, valid while those dicts live unchanged.
  const void* shared_keys() const {
    return keys_ != nullptr && keys_->refs.load(std::memory_order_relaxed) > 1 &&
                   keys_->keys.size() == values_.size()
               ? keys_
               : nullptr;
  }
  Dict(const Dict& other);
  Dict& operator=(const Dict& other);
  Dict(Dict&& other) noexcept;
  Dict& operator=(Dict&& other) noexcept;
  ~Dict();

  Value* Find(const Value& key);
  const Value* Find(const Value& key) const;
  const Value* FindKey(std::string_view key) const;
  void Set(Value key, Value value);
  /// Adds an entry whose key the caller knows is not there yet (builders of known shapes).
  void Append(Value key, Value value);
  void Reserve(size_t n);
  /// Gives back the capacity beyond the entries (dicts kept for a whole run: nodes, configs).
  void ShrinkToFit();
  /// Shares the key list with an earlier dict of this thread that has the same keys in the same
  /// order (a memory saving for the many dicts of one shape; lookups are unchanged).
  void ShareKeys();
  bool Erase(const Value& key);
  size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }
  size_t capacity() const { return values_.capacity(); }
  /// A `namespace()` object: the one kind of object `{% set ns.attr = … %}` may assign to.
  bool is_namespace() const { return namespace_; }
  void set_namespace(bool on) { namespace_ = on; }

  const Value& key(size_t i) const;
  const Value& value(size_t i) const { return values_[i]; }
  Value& value(size_t i) { return values_[i]; }

  /// The entries in order, as (key, value) pairs of references.
  template <bool kConst>
  class Entries {
   public:
    using Pair = std::pair<const Value&, std::conditional_t<kConst, const Value&, Value&>>;
    using DictRef = std::conditional_t<kConst, const Dict&, Dict&>;
    class iterator {
     public:
      using difference_type = std::ptrdiff_t;
      using value_type = Pair;
      iterator(DictRef d, size_t i) : d_(&d), i_(i) {}
      Pair operator*() const { return {d_->key(i_), d_->value(i_)}; }
      iterator& operator++() {
        ++i_;
        return *this;
      }
      bool operator==(const iterator& o) const { return i_ == o.i_; }
      bool operator!=(const iterator& o) const { return i_ != o.i_; }

     private:
      std::conditional_t<kConst, const Dict*, Dict*> d_;
      size_t i_;
    };
    explicit Entries(DictRef d) : d_(d) {}
    iterator begin() const { return iterator(d_, 0); }
    iterator end() const { return iterator(d_, d_.size()); }
    size_t size() const { return d_.size(); }
    bool empty() const { return d_.size() == 0; }
    Pair operator[](size_t i) const { return {d_.key(i), d_.value(i)}; }

   private:
    DictRef d_;
  };
  Entries<true> entries() const { return Entries<true>(*this); }
  Entries<false> entries() { return Entries<false>(*this); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Index = std::unordered_map<std::string, size_t, Hash, std::equal_to<>>;
  // The keys of one or more dicts. Positions of string keys are indexed as a dict grows large
  // (collections of many nodes) and kept up to date by every change, so that lookups never
  // write (dicts are read from several threads); dicts of a few dozen entries (a node, a
  // config) are searched linearly. A list shared by several dicts is not changed.
  // A dict built from a Shape may hold fewer values than its list has keys: only the first
  // size() keys are its own.
  struct Keys {
    std::atomic<uint32_t> refs{1};
    std::vector<Value> keys;
    std::unique_ptr<Index> index;
  };
  static void Release(Keys* k);
  Keys& OwnKeys();  // the key list, made this dict's own (and created) for a change
  void BuildIndex(Keys& k);
  std::ptrdiff_t Position(std::string_view key) const;

  Keys* keys_ = nullptr;  // null while empty
  std::vector<Value> values_;
  bool namespace_ = false;
};
/// Appends to `out` a text that equals another value's exactly when the values are equal and of
/// the same types (lists and tuples, ints and floats, None and Undefined apart): a key for
/// caches of values. False (and `out` partly written) for values holding host objects.
bool CanonicalText(const Value& v, std::string& out);

/// Stores equal lists and dicts once: Intern() returns an earlier value equal to `v` (same types
/// all the way down) when there is one, else a frozen copy of `v`, remembered; a frozen value is
/// returned as it is (it is one that was interned already, or one that never changes). For the many
/// equal configs and defaults of a large project's nodes. The values it returns are shared: whoever
/// interns a value must not change it afterwards. Values holding host objects are returned as they
/// are. Not thread-safe (one per thread); forgets everything once it holds `capacity` values.
class ValueInterner {
 public:
  explicit ValueInterner(size_t capacity = 4096) : capacity_(capacity) {}
  Value Intern(const Value& v);

 private:
  std::unordered_map<std::string, Value> seen_;  // canonical text of the value -> the value
  size_t capacity_;
};

/// Stores equal long texts once: Intern() returns the string value of `text`, the same block
/// for equal texts (short texts are kept in the value anyway). For texts that repeat from node
/// to node (a file path, a schema, a generic test's code). Not thread-safe (one per thread);
/// forgets everything once it holds `capacity` texts.
class TextInterner {
 public:
  explicit TextInterner(size_t capacity = 4096) : capacity_(capacity) {}
  Value Intern(std::string_view text);

 private:
  std::unordered_map<std::string_view, Value> seen_;  // keys view the values' own texts
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
/// Appends Python's repr of the string `s` ('text', or "text" when it holds a ' and no ").
void AppendStringRepr(std::string& out, std::string_view s);

}  // namespace floe::jinja
