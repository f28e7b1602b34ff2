#include "floe/jinja/value.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace floe::jinja {

Value Callable::Attr(const std::string& /*name*/) {
  return Value();
}

Value Callable::Item(const Value& key) {
  return key.is_string() ? Attr(std::string(key.as_string())) : Value::MakeUndefined(key.Str());
}

std::vector<Value> Callable::Keys() const {
  return {};
}

namespace {

class NativeCallable : public Callable {
 public:
  NativeCallable(std::string name, NativeFunction f) : name_(std::move(name)), f_(std::move(f)) {}
  Value Call(Interpreter& interpreter, Arguments& args) override { return f_(interpreter, args); }
  std::string name() const override { return name_; }

 private:
  std::string name_;
  NativeFunction f_;
};

std::string ReprString(std::string_view s) {
  std::string out;
  AppendStringRepr(out, s);
  return out;
}

}  // namespace

void AppendStringRepr(std::string& out, std::string_view s) {
  // Bytes repr() may print otherwise than as they are: control bytes, DEL, '\\' and quotes.
  static constexpr auto kSpecial = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c)
      t[static_cast<size_t>(c)] = true;
    for (int c : {0x7f, int('\\'), int('\''), int('"')})
      t[static_cast<size_t>(c)] = true;
    return t;
  }();
  size_t first = 0;
  while (first < s.size() && !kSpecial[static_cast<unsigned char>(s[first])])
    ++first;
  if (first == s.size()) {  // most texts: as they are, in single quotes
    out.reserve(out.size() + s.size() + 2);
    out += '\'';
    out.append(s);
    out += '\'';
    return;
  }
  // Python picks single quotes unless the text contains one and no double quote.
  bool single = s.find('\'', first) == std::string::npos || s.find('"', first) != std::string::npos;
  char q = single ? '\'' : '"';
  out += q;
  size_t run = 0;  // start of the pending run of characters printed as they are
  for (size_t i = first; i < s.size(); ++i) {
    char c = s[i];
    auto u = static_cast<unsigned char>(c);
    if (!kSpecial[u] || (c != q && (c == '\'' || c == '"')))
      continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c == q) {
          out += '\\';
          out += c;
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += q;
}

std::string FormatFloat(double d) {
  if (std::isnan(d))
    return "nan";
  if (std::isinf(d))
    return d > 0 ? "inf" : "-inf";
  if (d == 0)
    return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest digits that read back as the same double (Python's repr).
  char digits[40];
  int precision = 1;
  for (; precision <= 17; ++precision) {
    std::snprintf(digits, sizeof digits, "%.*e", precision - 1, d);
    if (std::strtod(digits, nullptr) == d)
      break;
  }
  // digits: [-]d.ddde[+-]XX
  std::string text(digits);
  bool negative = text[0] == '-';
  if (negative)
    text.erase(0, 1);
  size_t e = text.find('e');
  int exponent = std::atoi(text.c_str() + e + 1);
  std::string mantissa = text.substr(0, e);
  mantissa.erase(std::remove(mantissa.begin(), mantissa.end(), '.'), mantissa.end());
  while (mantissa.size() > 1 && mantissa.back() == '0')
    mantissa.pop_back();
  std::string out;
  if (exponent < -4 || exponent >= 16) {
    out = mantissa.substr(0, 1);
    if (mantissa.size() > 1)
      out += "." + mantissa.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp;
  } else if (exponent < 0) {
    out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + mantissa;
  } else {
    auto point = static_cast<size_t>(exponent + 1);
    if (mantissa.size() <= point) {
      out = mantissa + std::string(point - mantissa.size(), '0') + ".0";
    } else {
      out = mantissa.substr(0, point) + "." + mantissa.substr(point);
    }
  }
  return negative ? "-" + out : out;
}

struct Value::TextRep : Rep {
  uint32_t size = 0;
  char* data() { return reinterpret_cast<char*>(this + 1); }  // the text follows the header
};
struct Value::ListRep : Rep {
  List items;
};
struct Value::DictRep : Rep {
  Dict dict;
};
struct Value::ObjectRep : Rep {
  std::shared_ptr<Callable> object;
};

void Value::SetLongText(std::string_view s) {
  void* block = ::operator new(sizeof(TextRep) + s.size());
  auto* rep = new (block) TextRep;
  rep->size = static_cast<uint32_t>(s.size());
  std::memcpy(rep->data(), s.data(), s.size());
  Put<Rep*>(rep);
  len_ = kLongText;
}

std::string_view Value::Text() const {
  if (len_ != kLongText)
    return {bytes_, len_};
  auto* rep = static_cast<TextRep*>(Get<Rep*>());
  return {rep->data(), rep->size};
}

void Value::Destroy(Rep* r) noexcept {
  switch (kind_) {
    case Kind::kUndefined:
    case Kind::kString: {
      auto* t = static_cast<TextRep*>(r);
      t->~TextRep();
      ::operator delete(t);
      break;
    }
    case Kind::kList:
    case Kind::kTuple:
      delete static_cast<ListRep*>(r);
      break;
    case Kind::kDict:
      delete static_cast<DictRep*>(r);
      break;
    case Kind::kObject:
      delete static_cast<ObjectRep*>(r);
      break;
    default:
      break;
  }
}

Value::Value(List items, bool tuple) : kind_(tuple ? Kind::kTuple : Kind::kList) {
  auto* rep = new ListRep;
  rep->items = std::move(items);
  Put<Rep*>(rep);
}

Value::Value(Dict dict) : kind_(Kind::kDict) {
  auto* rep = new DictRep;
  rep->dict = std::move(dict);
  Put<Rep*>(rep);
}

Value::Value(std::shared_ptr<Callable> f) : kind_(Kind::kObject) {
  auto* rep = new ObjectRep;
  rep->object = std::move(f);
  Put<Rep*>(rep);
}

List& Value::as_list() const {
  return static_cast<ListRep*>(Get<Rep*>())->items;
}

Dict& Value::as_dict() const {
  return static_cast<DictRep*>(Get<Rep*>())->dict;
}

const std::shared_ptr<Callable>& Value::as_callable() const {
  return static_cast<ObjectRep*>(Get<Rep*>())->object;
}

Value Value::Function(std::string name, NativeFunction f) {
  return Value(
      std::shared_ptr<Callable>(std::make_shared<NativeCallable>(std::move(name), std::move(f))));
}

double Value::as_double() const {
  if (is_float())
    return Get<double>();
  return static_cast<double>(as_int());
}

bool Value::Truthy() const {
  if (is_undefined() || is_none())
    return false;
  if (is_bool())
    return as_bool();
  if (is_int())
    return as_int() != 0;
  if (is_float())
    return as_double() != 0;
  if (is_string())
    return !as_string().empty();
  if (is_list())
    return !as_list().empty();
  if (is_dict())
    return as_dict().size() > 0;
  return as_object()->truthy();
}

std::string Value::Str() const {
  if (is_undefined())
    return "";
  if (is_string())
    return std::string(as_string());
  if (is_object())
    return as_object()->str();
  return Repr();
}

std::string Value::Repr() const {
  if (is_undefined())
    return "Undefined";
  if (is_none())
    return "None";
  if (is_bool())
    return as_bool() ? "True" : "False";
  if (is_int())
    return std::to_string(as_int());
  if (is_float())
    return FormatFloat(as_double());
  if (is_string())
    return ReprString(as_string());
  if (is_list()) {
    const List& items = as_list();
    std::string out = is_tuple() ? "(" : "[";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0)
        out += ", ";
      out += items[i].Repr();
    }
    if (is_tuple() && items.size() == 1)
      out += ",";
    return out + (is_tuple() ? ")" : "]");
  }
  if (is_dict()) {
    std::string out = as_dict().is_namespace() ? "<Namespace {" : "{";
    bool first = true;
    for (const auto& [k, v] : as_dict().entries()) {
      if (!first)
        out += ", ";
      first = false;
      out += k.Repr() + ": " + v.Repr();
    }
    return out + (as_dict().is_namespace() ? "}>" : "}");
  }
  return as_callable()->repr();
}

std::string Value::TypeName() const {
  if (is_undefined())
    return "Undefined";
  if (is_none())
    return "NoneType";
  if (is_bool())
    return "bool";
  if (is_int())
    return "int";
  if (is_float())
    return "float";
  if (is_string())
    return "str";
  if (is_tuple())
    return "tuple";
  if (is_list())
    return "list";
  if (is_dict())
    return "dict";
  return as_object()->type_name();
}

bool Value::Equals(const Value& other) const {
  if (is_number() && other.is_number()) {
    if (is_float() || other.is_float())
      return as_double() == other.as_double();
    return as_int() == other.as_int();
  }
  if (is_string() && other.is_string())
    return as_string() == other.as_string();
  if (is_none() || other.is_none())
    return is_none() && other.is_none();
  if (is_undefined() || other.is_undefined())
    return is_undefined() && other.is_undefined();
  if (is_list() && other.is_list()) {
    if (is_tuple() != other.is_tuple())
      return false;
    const List& a = as_list();
    const List& b = other.as_list();
    if (a.size() != b.size())
      return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!a[i].Equals(b[i]))
        return false;
    }
    return true;
  }
  if (is_dict() && other.is_dict()) {
    const Dict& a = as_dict();
    const Dict& b = other.as_dict();
    if (a.size() != b.size())
      return false;
    for (const auto& [k, v] : a.entries()) {
      const Value* w = b.Find(k);
      if (w == nullptr || !v.Equals(*w))
        return false;
    }
    return true;
  }
  if (is_object() && other.is_object()) {
    int c = 0;
    if (as_object()->Compare(other, &c))
      return c == 0;
    return as_object() == other.as_object();
  }
  return false;
}

bool Value::Less(const Value& other, bool* ok) const {
  if (is_object()) {
    int c = 0;
    *ok = as_object()->Compare(other, &c);
    return *ok && c < 0;
  }
  if (other.is_object()) {
    int c = 0;
    *ok = other.as_object()->Compare(*this, &c);
    return *ok && c > 0;
  }
  *ok = true;
  if (is_number() && other.is_number()) {
    if (is_float() || other.is_float())
      return as_double() < other.as_double();
    return as_int() < other.as_int();
  }
  if (is_string() && other.is_string())
    return as_string() < other.as_string();
  if (is_list() && other.is_list()) {
    const List& a = as_list();
    const List& b = other.as_list();
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      if (a[i].Equals(b[i]))
        continue;
      return a[i].Less(b[i], ok);
    }
    return a.size() < b.size();
  }
  *ok = false;
  return false;
}

bool Value::SameAs(const Value& other) const {
  if (is_list() && other.is_list())
    return &as_list() == &other.as_list();
  if (is_dict() && other.is_dict())
    return &as_dict() == &other.as_dict();
  if (is_bool() != other.is_bool())
    return false;
  return Equals(other);
}

namespace {
constexpr size_t kIndexFrom = 48;
}  // namespace

void Dict::Release(Keys* k) {
  if (k != nullptr && k->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete k;
}

Dict::~Dict() {
  Release(keys_);
}

Dict::Dict(const Dict& other)
    : keys_(other.keys_), values_(other.values_), namespace_(other.namespace_) {
  if (keys_ != nullptr)
    keys_->refs.fetch_add(1, std::memory_order_relaxed);
}

Dict& Dict::operator=(const Dict& other) {
  if (this != &other) {
    Dict copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Dict::Dict(Dict&& other) noexcept
    : keys_(other.keys_), values_(std::move(other.values_)), namespace_(other.namespace_) {
  other.keys_ = nullptr;
  other.values_.clear();
}

Dict& Dict::operator=(Dict&& other) noexcept {
  if (this != &other) {
    Release(keys_);
    keys_ = other.keys_;
    values_ = std::move(other.values_);
    namespace_ = other.namespace_;
    other.keys_ = nullptr;
    other.values_.clear();
  }
  return *this;
}

const Value& Dict::key(size_t i) const {
  return keys_->keys[i];
}

Dict::Shape::Shape(const Shape& other) : keys_(other.keys_) {
  if (keys_ != nullptr)
    keys_->refs.fetch_add(1, std::memory_order_relaxed);
}

Dict::Shape& Dict::Shape::operator=(const Shape& other) {
  if (other.keys_ != nullptr)
    other.keys_->refs.fetch_add(1, std::memory_order_relaxed);
  Release(keys_);
  keys_ = other.keys_;
  return *this;
}

Dict::Shape::~Shape() {
  Release(keys_);
}

Dict::Dict(const Shape& shape) : keys_(shape.keys_) {
  if (keys_ != nullptr) {
    keys_->refs.fetch_add(1, std::memory_order_relaxed);
    values_.reserve(keys_->keys.size());
  }
}

Dict::Shape Dict::shape() const {
  Shape s;
  if (keys_ != nullptr && keys_->keys.size() == values_.size()) {
    s.keys_ = keys_;
    keys_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  return s;
}

Dict::Keys& Dict::OwnKeys() {
  if (keys_ == nullptr) {
    keys_ = new Keys;
  } else if (keys_->refs.load(std::memory_order_acquire) > 1 ||
             keys_->keys.size() > values_.size()) {
    // Shared, or a shape's keys beyond this dict's values: a list of this dict's keys only.
    auto* own = new Keys;
    own->keys.reserve(std::max(values_.capacity(), values_.size() + 1));
    own->keys.assign(keys_->keys.begin(),
                     keys_->keys.begin() + static_cast<std::ptrdiff_t>(values_.size()));
    if (own->keys.size() >= kIndexFrom)
      BuildIndex(*own);
    Release(keys_);
    keys_ = own;
  }
  return *keys_;
}

void Dict::Reserve(size_t n) {
  values_.reserve(n);
  if (keys_ == nullptr ||
      (keys_->refs.load(std::memory_order_acquire) == 1 && keys_->keys.size() == values_.size()))
    OwnKeys().keys.reserve(n);
}

void Dict::ShrinkToFit() {
  values_.shrink_to_fit();
  if (keys_ != nullptr && keys_->keys.size() > values_.size())
    OwnKeys();  // a shape's list with more keys than this dict: its own list, of its keys
  if (keys_ != nullptr && keys_->refs.load(std::memory_order_acquire) == 1)
    keys_->keys.shrink_to_fit();
}

void Dict::ShareKeys() {
  if (keys_ != nullptr && keys_->keys.size() > values_.size())
    OwnKeys();
  if (keys_ == nullptr || keys_->index != nullptr || keys_->refs.load() > 1)
    return;  // nothing to share, too large to be one of many, or shared already
  // This thread's key lists by the bits of their keys (short keys are compared as two words).
  struct Seen {
    std::unordered_multimap<size_t, Keys*> by_hash;
    ~Seen() {
      for (auto& [h, k] : by_hash)
        Release(k);
    }
  };
  thread_local Seen seen;
  const std::vector<Value>& keys = keys_->keys;
  size_t h = keys.size();
  for (const Value& k : keys) {
    if (k.is_string() && k.as_string().size() > Value::kShortText) {
      h = h * 1000003 ^ std::hash<std::string_view>()(k.as_string());
      continue;  // (a long text's bits are its block's address)
    }
    uint64_t words[2];
    std::memcpy(words, &k, sizeof words);
    h = h * 1000003 ^ std::hash<uint64_t>()(words[0] ^ (words[1] * 31));
  }
  auto [from, to] = seen.by_hash.equal_range(h);
  for (auto it = from; it != to; ++it) {
    const std::vector<Value>& other = it->second->keys;
    bool same = other.size() == keys.size();
    for (size_t i = 0; same && i < keys.size(); ++i)
      same = other[i].SameBits(keys[i]) || (other[i].is_string() && keys[i].is_string() &&
                                            other[i].as_string() == keys[i].as_string());
    if (same) {
      it->second->refs.fetch_add(1, std::memory_order_relaxed);
      Release(keys_);
      keys_ = it->second;
      return;
    }
  }
  if (seen.by_hash.size() >= 4096)
    return;  // enough shapes remembered
  keys_->keys.shrink_to_fit();
  keys_->refs.fetch_add(1, std::memory_order_relaxed);  // the table's reference
  seen.by_hash.emplace(h, keys_);
}

void Dict::BuildIndex(Keys& k) {
  k.index = std::make_unique<Index>();
  k.index->reserve(k.keys.size() * 2);
  for (size_t i = 0; i < k.keys.size(); ++i) {
    if (k.keys[i].is_string())
      k.index->emplace(std::string(k.keys[i].as_string()), i);
  }
}

std::ptrdiff_t Dict::Position(std::string_view key) const {
  if (keys_ == nullptr)
    return -1;
  if (keys_->index != nullptr) {
    auto it = keys_->index->find(key);
    return it == keys_->index->end() || it->second >= values_.size()
               ? -1
               : static_cast<std::ptrdiff_t>(it->second);
  }
  const Value* keys = keys_->keys.data();
  const size_t n = values_.size();        // (a shape may list more keys than this dict has)
  if (key.size() <= Value::kShortText) {  // most keys: two words compared per entry
    const Value probe(key);
    for (size_t i = 0; i < n; ++i) {
      if (keys[i].SameBits(probe))
        return static_cast<std::ptrdiff_t>(i);
    }
    return -1;
  }
  for (size_t i = 0; i < n; ++i) {
    const Value& k = keys[i];
    if (!k.is_string())
      continue;
    std::string_view s = k.as_string();
    // the first character rules most keys out without a call to memcmp
    if (s.size() == key.size() && (key.empty() || s[0] == key[0]) && s == key)
      return static_cast<std::ptrdiff_t>(i);
  }
  return -1;
}

Value* Dict::Find(const Value& key) {
  return const_cast<Value*>(static_cast<const Dict*>(this)->Find(key));
}

const Value* Dict::Find(const Value& key) const {
  if (key.is_string()) {
    std::ptrdiff_t i = Position(key.as_string());
    return i < 0 ? nullptr : &values_[static_cast<size_t>(i)];
  }
  for (size_t i = 0; i < values_.size(); ++i) {
    if (keys_->keys[i].Equals(key))
      return &values_[i];
  }
  return nullptr;
}

const Value* Dict::FindKey(std::string_view key) const {
  std::ptrdiff_t i = Position(key);
  return i < 0 ? nullptr : &values_[static_cast<size_t>(i)];
}

void Dict::Set(Value key, Value value) {
  if (Value* existing = Find(key)) {
    *existing = std::move(value);
    return;
  }
  Append(std::move(key), std::move(value));
}

void Dict::Append(Value key, Value value) {
  if (keys_ != nullptr && values_.size() < keys_->keys.size()) {
    const Value& expected = keys_->keys[values_.size()];
    if (expected.SameBits(key) ||
        (expected.is_string() && key.is_string() && expected.as_string() == key.as_string())) {
      values_.push_back(std::move(value));  // the next key of the shape: nothing to copy
      return;
    }
  }
  Keys& k = OwnKeys();
  if (k.index != nullptr && key.is_string())
    k.index->emplace(std::string(key.as_string()), k.keys.size());
  k.keys.push_back(std::move(key));
  values_.push_back(std::move(value));
  if (k.index == nullptr && k.keys.size() >= kIndexFrom)
    BuildIndex(k);
}

bool Dict::Erase(const Value& key) {
  for (size_t i = 0; i < values_.size(); ++i) {
    if (keys_->keys[i].Equals(key)) {
      Keys& k = OwnKeys();
      k.keys.erase(k.keys.begin() + static_cast<std::ptrdiff_t>(i));
      values_.erase(values_.begin() + static_cast<std::ptrdiff_t>(i));
      k.index.reset();
      if (k.keys.size() >= kIndexFrom)
        BuildIndex(k);
      return true;
    }
  }
  return false;
}

bool CanonicalText(const Value& v, std::string& out) {
  auto text = [&](char tag, std::string_view s) {
    out += tag;
    out += std::to_string(s.size());
    out += ':';
    out += s;
  };
  if (v.is_undefined()) {
    out += 'U';
  } else if (v.is_none()) {
    out += 'N';
  } else if (v.is_bool()) {
    out += v.as_bool() ? 'T' : 'F';
  } else if (v.is_int()) {
    text('i', std::to_string(v.as_int()));
  } else if (v.is_float()) {
    text('f', FormatFloat(v.as_double()));
  } else if (v.is_string()) {
    text('s', v.as_string());
  } else if (v.is_list()) {
    out += v.is_tuple() ? '(' : '[';
    for (const Value& x : v.as_list()) {
      if (!CanonicalText(x, out))
        return false;
    }
    out += ']';
  } else if (v.is_dict()) {
    out += v.as_dict().is_namespace() ? '<' : '{';
    for (const auto& [k, x] : v.as_dict().entries()) {
      if (!CanonicalText(k, out) || !CanonicalText(x, out))
        return false;
    }
    out += '}';
  } else {
    return false;
  }
  return true;
}

Value ValueInterner::Intern(const Value& v) {
  if (!v.is_list() && !v.is_dict())
    return v;
  if (v.frozen())
    return v;
  std::string key;
  if (!CanonicalText(v, key))
    return v;
  auto it = seen_.find(key);
  if (it != seen_.end())
    return it->second;
  // New: its parts are interned too, so that equal parts of different values are shared.
  Value stored;
  if (v.is_list()) {
    List items;
    items.reserve(v.as_list().size());
    for (const Value& x : v.as_list())
      items.push_back(Intern(x));
    stored = Value(std::move(items), v.is_tuple());
  } else {
    Dict d;
    d.Reserve(v.as_dict().size());
    d.set_namespace(v.as_dict().is_namespace());
    for (const auto& [k, x] : v.as_dict().entries())
      d.Append(k, Intern(x));
    d.ShareKeys();
    stored = Value(std::move(d));
  }
  stored.Freeze();
  if (seen_.size() >= capacity_)
    seen_.clear();
  seen_.emplace(std::move(key), stored);
  return stored;
}

Value TextInterner::Intern(std::string_view text) {
  if (text.size() <= Value::kShortText)
    return Value(text);
  auto it = seen_.find(text);
  if (it != seen_.end())
    return it->second;
  if (seen_.size() >= capacity_)
    seen_.clear();
  Value v(text);
  seen_.emplace(v.as_string(), v);  // the key views the text the value holds (it does not move)
  return v;
}

Value Arguments::Get(size_t index, std::string_view name, Value fallback) {
  if (index < positional.size())
    return positional[index];
  for (auto& [k, v] : keywords) {
    if (k == name)
      return v;
  }
  return fallback;
}

bool Arguments::Has(size_t index, std::string_view name) const {
  if (index < positional.size())
    return true;
  for (const auto& [k, v] : keywords) {
    if (k == name)
      return true;
  }
  return false;
}

}  // namespace floe::jinja
