#include "floe/config/schema.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_set>

#include "floe/base/utf8.h"

namespace floe::config {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Display(const Path& path) {
  std::string s = path.str();
  return s.empty() ? "the document" : "`" + s + "`";
}

// A user value inside a one-line message: control characters escaped.
std::string Shown(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

// An integer written as a number with a zero fraction (30.0): JSON Schema and Pydantic accept it.
bool IsIntegralFloat(const Node& node) {
  if (node.kind != Node::Kind::kFloat)
    return false;
  double d = std::strtod(node.text.c_str(), nullptr);
  return std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15;
}

std::string TypeHint(const Node& node, const Schema& schema) {
  Schema::Type expected = schema.type;
  if (expected == Schema::Type::kString && node.is_scalar() && !node.is_null()) {
    if (schema.matches != nullptr && !schema.matches(node.text)) {
      return schema.description.empty() ? "write a string" : "expected " + schema.description;
    }
    return "quote it to make it a string: \"" + Shown(node.text) + "\"";
  }
  if ((expected == Schema::Type::kInteger || expected == Schema::Type::kNumber) &&
      node.kind == Node::Kind::kString) {
    return "write the number without quotes";
  }
  if (expected == Schema::Type::kBoolean && node.kind == Node::Kind::kString) {
    return "write true or false without quotes";
  }
  if (expected == Schema::Type::kList && node.is_scalar()) {
    return "write a list, e.g. `[" + node.text + "]` or one `- item` per line";
  }
  if (node.is_null())
    return "give it a value, or remove the key to leave it unset";
  return {};
}

void WrongType(const Node& node, std::string_view expected, const Path& path,
               ValidationContext& ctx, std::string hint) {
  std::string got = node.is_null() ? "null" : std::string(Node::KindName(node.kind));
  ctx.diagnostics.Error(Code::kWrongType, ctx.At(node.mark),
                        Display(path) + " must be " + std::string(expected) + ", not " + got,
                        std::move(hint));
}

bool IsForbidden(const ValidationContext& ctx, std::string_view key) {
  if (ctx.forbidden_keys.empty())
    return false;
  std::string lower = Lower(key);
  return std::find(ctx.forbidden_keys.begin(), ctx.forbidden_keys.end(), lower) !=
         ctx.forbidden_keys.end();
}

void ReportForbidden(const Node::Entry& entry, const Path& path, ValidationContext& ctx) {
  Path child{&path, entry.key};
  ctx.diagnostics.Error(ctx.forbidden_code, ctx.At(entry.key_mark),
                        "`" + child.str() + "`: `" + entry.key +
                            "` is not allowed in a data product; credentials and hosts belong "
                            "to the platform",
                        ctx.forbidden_hint);
}

// Free-form content: only the forbidden keys are checked, at any depth.
void CheckFreeForm(const Node& node, const Path& path, ValidationContext& ctx) {
  if (ctx.forbidden_keys.empty())
    return;
  if (node.is_map()) {
    for (const Node::Entry& e : node.entries) {
      if (IsForbidden(ctx, e.key))
        ReportForbidden(e, path, ctx);
      Path child{&path, e.key};
      CheckFreeForm(e.value, child, ctx);
    }
  } else if (node.is_list()) {
    for (size_t i = 0; i < node.items.size(); ++i) {
      Path child{&path, {}, i};
      CheckFreeForm(node.items[i], child, ctx);
    }
  }
}

bool Present(const Node& node, const std::string& key) {
  return node.Find(key) != nullptr;
}

bool ValueIn(const Node& node, const std::string& key, const std::vector<std::string>& values) {
  const Node* v = node.Find(key);
  if (v == nullptr || !v->is_scalar())
    return false;
  return std::find(values.begin(), values.end(), v->text) != values.end();
}

Mark KeyMark(const Node& node, const std::string& key) {
  const Node::Entry* e = node.FindEntry(key);
  return e != nullptr ? e->key_mark : node.mark;
}

void ApplyRule(const KeyRule& rule, const Node& node, ValidationContext& ctx) {
  switch (rule.kind) {
    case KeyRule::Kind::kForbidUnless:
      if (Present(node, rule.target) && !ValueIn(node, rule.when_key, rule.when_values)) {
        ctx.diagnostics.Error(rule.code, ctx.At(KeyMark(node, rule.target)), rule.message,
                              rule.hint);
      }
      break;
    case KeyRule::Kind::kForbidWhen:
      if (Present(node, rule.target) && ValueIn(node, rule.when_key, rule.when_values)) {
        ctx.diagnostics.Error(rule.code, ctx.At(KeyMark(node, rule.target)), rule.message,
                              rule.hint);
      }
      break;
    case KeyRule::Kind::kRequireWhen:
      if (ValueIn(node, rule.when_key, rule.when_values) && !Present(node, rule.target)) {
        ctx.diagnostics.Error(rule.code, ctx.At(KeyMark(node, rule.when_key)), rule.message,
                              rule.hint);
      }
      break;
    case KeyRule::Kind::kExclusive:
      if (Present(node, rule.when_key) && Present(node, rule.target)) {
        ctx.diagnostics.Error(rule.code, ctx.At(KeyMark(node, rule.target)), rule.message,
                              rule.hint);
      }
      break;
    case KeyRule::Kind::kOneOf: {
      bool a = Present(node, rule.when_key);
      bool b = Present(node, rule.target);
      if (a == b) {
        ctx.diagnostics.Error(rule.code, ctx.At(a ? KeyMark(node, rule.target) : node.mark),
                              rule.message, rule.hint);
      }
      break;
    }
  }
}

std::string FieldNames(const Schema& schema) {
  std::vector<std::string> names;
  for (const Field& f : schema.fields)
    names.push_back(f.name);
  return QuotedList(names, "and");
}

void ValidateObject(const Node& node, const Schema& schema, const Path& path,
                    ValidationContext& ctx) {
  std::vector<std::string> names;
  for (const Node::Entry& entry : node.entries) {
    const Field* field = schema.FindField(entry.key);
    Path child{&path, entry.key};
    if (field == nullptr) {
      if (std::find(schema.special_unknown_keys.begin(), schema.special_unknown_keys.end(),
                    entry.key) != schema.special_unknown_keys.end()) {
        ctx.diagnostics.Error(schema.special_unknown_code, ctx.At(entry.key_mark),
                              "`" + entry.key + "`: " + schema.special_unknown_message,
                              "keep one manifest for every environment; pick values per "
                              "environment at run time with FLOE_ENV");
      } else if (IsForbidden(ctx, entry.key)) {
        ReportForbidden(entry, path, ctx);
      } else {
        if (names.empty()) {
          for (const Field& f : schema.fields)
            names.push_back(f.name);
        }
        std::vector<std::string> close = ClosestMatches(entry.key, names);
        std::string where = path.str().empty() ? "at the top level" : "in `" + path.str() + "`";
        std::string hint = close.empty() ? "allowed keys here: " + FieldNames(schema)
                                         : "did you mean `" + close.front() + "`?";
        ctx.diagnostics.Error(Code::kUnknownKey, ctx.At(entry.key_mark),
                              "unknown key `" + entry.key + "` " + where, hint);
      }
      continue;
    }
    Validate(entry.value, *field->schema, child, ctx);
  }
  for (const Field& field : schema.fields) {
    if (field.required && node.Find(field.name) == nullptr) {
      std::string where = path.str().empty() ? "at the top level" : "in `" + path.str() + "`";
      std::string hint = field.schema->description.empty()
                             ? std::string{}
                             : "`" + field.name + "`: " + field.schema->description;
      ctx.diagnostics.Error(Code::kMissingKey, ctx.At(node.mark),
                            "missing required key `" + field.name + "` " + where, hint);
    }
  }
  for (const KeyRule& rule : schema.rules)
    ApplyRule(rule, node, ctx);
}

void ValidateString(const Node& node, const Schema& schema, const Path& path,
                    ValidationContext& ctx) {
  const std::string& value = node.text;
  if (!schema.enum_values.empty() || !schema.enum_subject.empty()) {
    if (std::find(schema.enum_values.begin(), schema.enum_values.end(), value) ==
        schema.enum_values.end()) {
      std::vector<std::string> close = ClosestMatches(value, schema.enum_values);
      std::string hint = close.empty() ? std::string{} : "did you mean `" + close.front() + "`? ";
      if (schema.enum_values.empty()) {
        hint += "none is available in this floe yet; `floe plugins list` shows what is";
      } else {
        hint += (schema.enum_subject.empty() ? "allowed values: " : "available: ") +
                QuotedList(schema.enum_values);
      }
      std::string message =
          schema.enum_subject.empty()
              ? "`" + Shown(value) + "` is not an allowed value for " + Display(path)
              : "`" + Shown(value) + "` in " + Display(path) + " is not " + schema.enum_subject;
      ctx.diagnostics.Error(schema.enum_code, ctx.At(node.mark), message, hint);
      return;
    }
  }
  if (schema.max_length > 0 && Utf8Length(value) > schema.max_length) {
    ctx.diagnostics.Error(Code::kTooLong, ctx.At(node.mark),
                          Display(path) + " is " + std::to_string(Utf8Length(value)) +
                              " characters long; at most " + std::to_string(schema.max_length) +
                              " are allowed");
    return;
  }
  if (schema.matches != nullptr && !schema.matches(value)) {
    if (value.find_first_not_of(" \t") == std::string::npos) {
      ctx.diagnostics.Error(
          Code::kPatternMismatch, ctx.At(node.mark), Display(path) + " must not be empty",
          schema.description.empty() ? std::string{} : "expected " + schema.description);
      return;
    }
    std::string hint = "it must match `" + schema.pattern + "`";
    if (!schema.description.empty())
      hint += " (" + schema.description + ")";
    ctx.diagnostics.Error(Code::kPatternMismatch, ctx.At(node.mark),
                          "`" + Shown(value) + "` is not a valid value for " + Display(path), hint);
    return;
  }
  if (std::find(schema.reserved_values.begin(), schema.reserved_values.end(), value) !=
      schema.reserved_values.end()) {
    ctx.diagnostics.Error(
        Code::kReservedName, ctx.At(node.mark),
        "`" + Shown(value) + "` is reserved and cannot be used for " + Display(path),
        "reserved names: " + QuotedList(schema.reserved_values));
  }
}

void ValidateNumber(const Node& node, const Schema& schema, const Path& path,
                    ValidationContext& ctx) {
  double value = std::strtod(node.text.c_str(), nullptr);
  if (node.text.rfind("0o", 0) == 0)
    value = static_cast<double>(std::strtoll(node.text.c_str() + 2, nullptr, 8));
  if (node.text.rfind("0x", 0) == 0)
    value = static_cast<double>(std::strtoll(node.text.c_str() + 2, nullptr, 16));
  bool low = schema.minimum && value < *schema.minimum;
  bool high = schema.maximum && value > *schema.maximum;
  if (!low && !high)
    return;
  auto fmt = [](double d) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", d);
    return std::string(buffer);
  };
  std::string range;
  if (schema.minimum && schema.maximum) {
    range = "between " + fmt(*schema.minimum) + " and " + fmt(*schema.maximum);
  } else if (schema.minimum) {
    range = "at least " + fmt(*schema.minimum);
  } else {
    range = "at most " + fmt(*schema.maximum);
  }
  ctx.diagnostics.Error(Code::kOutOfRange, ctx.At(node.mark),
                        Display(path) + " must be " + range + ", not " + node.text);
}

void ValidateList(const Node& node, const Schema& schema, const Path& path,
                  ValidationContext& ctx) {
  if (node.items.size() < schema.min_items) {
    ctx.diagnostics.Error(Code::kTooFewItems, ctx.At(node.mark),
                          Display(path) + " needs at least " + std::to_string(schema.min_items) +
                              (schema.min_items == 1 ? " item" : " items"));
  }
  for (size_t i = 0; i < node.items.size(); ++i) {
    Path child{&path, {}, i};
    Validate(node.items[i], *schema.items, child, ctx);
  }
  if (!schema.unique_field.empty()) {
    std::unordered_map<std::string_view, const Node*> seen;
    seen.reserve(node.items.size());
    for (const Node& item : node.items) {
      const Node* key = item.is_map() ? item.Find(schema.unique_field) : nullptr;
      if (key == nullptr || !key->is_scalar())
        continue;
      auto [it, inserted] = seen.emplace(key->text, key);
      if (!inserted) {
        Diagnostic& d = ctx.diagnostics.Error(
            Code::kDuplicateName, ctx.At(key->mark),
            "duplicate " + schema.unique_field + " `" + key->text + "` in " + Display(path),
            "each entry needs its own " + schema.unique_field);
        d.notes.push_back({ctx.At(it->second->mark), "first used here"});
      }
    }
  }
}

}  // namespace

std::string Path::str() const {
  std::vector<const Path*> chain;
  for (const Path* p = this; p != nullptr; p = p->parent)
    chain.push_back(p);
  std::string out;
  std::reverse(chain.begin(), chain.end());
  for (const Path* p : chain) {
    if (p->index != static_cast<size_t>(-1)) {
      out += '[' + std::to_string(p->index) + ']';
    } else if (!p->key.empty()) {
      if (!out.empty())
        out += '.';
      out += p->key;
    }
  }
  return out;
}

std::shared_ptr<Schema> Schema::Describe(std::string text) {
  description = std::move(text);
  return shared_from_this();
}
std::shared_ptr<Schema> Schema::Default(Json value) {
  default_value = std::move(value);
  return shared_from_this();
}
std::shared_ptr<Schema> Schema::Checked(Check c) {
  check = std::move(c);
  return shared_from_this();
}
std::shared_ptr<Schema> Schema::Rule(KeyRule rule) {
  rules.push_back(std::move(rule));
  return shared_from_this();
}
std::shared_ptr<Schema> Schema::UniqueBy(std::string field) {
  unique_field = std::move(field);
  return shared_from_this();
}
std::shared_ptr<Schema> Schema::MinItems(size_t n) {
  min_items = n;
  return shared_from_this();
}
std::shared_ptr<Schema> Schema::MaxLength(size_t n) {
  max_length = n;
  return shared_from_this();
}
std::shared_ptr<Schema> Schema::Reserved(std::vector<std::string> values) {
  reserved_values = std::move(values);
  return shared_from_this();
}

std::shared_ptr<Schema> Schema::EnumWording(Code code, std::string subject) {
  enum_code = code;
  enum_subject = std::move(subject);
  return shared_from_this();
}

const Field* Schema::FindField(std::string_view name) const {
  for (const Field& f : fields) {
    if (f.name == name)
      return &f;
  }
  return nullptr;
}

std::shared_ptr<Schema> String() {
  auto s = std::make_shared<Schema>();
  s->type = Schema::Type::kString;
  return s;
}
std::shared_ptr<Schema> Pattern(std::string pattern, bool (*matches)(std::string_view)) {
  auto s = String();
  s->pattern = std::move(pattern);
  s->matches = matches;
  return s;
}
std::shared_ptr<Schema> Enum(std::vector<std::string> values) {
  auto s = String();
  s->enum_values = std::move(values);
  return s;
}
std::shared_ptr<Schema> Integer(std::optional<double> minimum, std::optional<double> maximum) {
  auto s = std::make_shared<Schema>();
  s->type = Schema::Type::kInteger;
  s->minimum = minimum;
  s->maximum = maximum;
  return s;
}
std::shared_ptr<Schema> Number(std::optional<double> minimum, std::optional<double> maximum) {
  auto s = Integer(minimum, maximum);
  s->type = Schema::Type::kNumber;
  return s;
}
std::shared_ptr<Schema> Boolean() {
  auto s = std::make_shared<Schema>();
  s->type = Schema::Type::kBoolean;
  return s;
}
std::shared_ptr<Schema> Object(std::vector<Field> fields) {
  auto s = std::make_shared<Schema>();
  s->type = Schema::Type::kObject;
  s->fields = std::move(fields);
  return s;
}
std::shared_ptr<Schema> MapOf(SchemaRef values) {
  auto s = std::make_shared<Schema>();
  s->type = Schema::Type::kMap;
  s->values = std::move(values);
  return s;
}
std::shared_ptr<Schema> ListOf(SchemaRef items) {
  auto s = std::make_shared<Schema>();
  s->type = Schema::Type::kList;
  s->items = std::move(items);
  return s;
}
std::shared_ptr<Schema> Any() {
  auto s = std::make_shared<Schema>();
  s->type = Schema::Type::kAny;
  s->free_form = true;
  return s;
}
std::shared_ptr<Schema> OneOfByKey(std::string discriminator,
                                   std::vector<std::pair<std::string, SchemaRef>> variants) {
  auto s = std::make_shared<Schema>();
  s->type = Schema::Type::kVariants;
  s->discriminator = std::move(discriminator);
  s->variants = std::move(variants);
  return s;
}
std::shared_ptr<Schema> MapOrList(SchemaRef when_map, SchemaRef when_list) {
  auto s = std::make_shared<Schema>();
  s->type = Schema::Type::kVariants;
  s->when_map = std::move(when_map);
  s->when_list = std::move(when_list);
  return s;
}
Field Required(std::string name, SchemaRef schema) {
  return {std::move(name), std::move(schema), true};
}
Field Optional(std::string name, SchemaRef schema) {
  return {std::move(name), std::move(schema), false};
}

void Validate(const Node& node, const Schema& schema, const Path& path, ValidationContext& ctx) {
  using T = Schema::Type;
  size_t errors_before = ctx.diagnostics.error_count();
  switch (schema.type) {
    case T::kString:
      if (node.kind != Node::Kind::kString) {
        return WrongType(node, "a string", path, ctx, TypeHint(node, schema));
      }
      ValidateString(node, schema, path, ctx);
      break;
    case T::kInteger:
      if (node.kind != Node::Kind::kInt && !IsIntegralFloat(node)) {
        return WrongType(node, "an integer", path, ctx, TypeHint(node, schema));
      }
      ValidateNumber(node, schema, path, ctx);
      break;
    case T::kNumber:
      if (node.kind != Node::Kind::kInt && node.kind != Node::Kind::kFloat) {
        return WrongType(node, "a number", path, ctx, TypeHint(node, schema));
      }
      ValidateNumber(node, schema, path, ctx);
      break;
    case T::kBoolean:
      if (node.kind != Node::Kind::kBool) {
        return WrongType(node, "true or false", path, ctx, TypeHint(node, schema));
      }
      break;
    case T::kObject:
      if (!node.is_map())
        return WrongType(node, "a mapping", path, ctx, TypeHint(node, schema));
      ValidateObject(node, schema, path, ctx);
      break;
    case T::kMap:
      if (!node.is_map())
        return WrongType(node, "a mapping", path, ctx, TypeHint(node, schema));
      for (const Node::Entry& e : node.entries) {
        if (!schema.data_keys && IsForbidden(ctx, e.key)) {
          ReportForbidden(e, path, ctx);
          continue;
        }
        Path child{&path, e.key};
        Validate(e.value, *schema.values, child, ctx);
      }
      break;
    case T::kList:
      if (!node.is_list())
        return WrongType(node, "a list", path, ctx, TypeHint(node, schema));
      ValidateList(node, schema, path, ctx);
      break;
    case T::kAny:
      CheckFreeForm(node, path, ctx);
      break;
    case T::kVariants:
      if (!schema.discriminator.empty()) {
        if (!node.is_map())
          return WrongType(node, "a mapping", path, ctx, {});
        const Node* tag = node.Find(schema.discriminator);
        std::vector<std::string> names;
        for (const auto& [name, _] : schema.variants)
          names.push_back(name);
        if (tag == nullptr) {
          std::string where = path.str().empty() ? "" : " in `" + path.str() + "`";
          ctx.diagnostics.Error(Code::kMissingKey, ctx.At(node.mark),
                                "missing required key `" + schema.discriminator + "`" + where,
                                "allowed values: " + QuotedList(names));
          return;
        }
        for (const auto& [name, variant] : schema.variants) {
          if (tag->kind == Node::Kind::kString && tag->text == name) {
            Validate(node, *variant, path, ctx);
            return;
          }
        }
        Path child{&path, schema.discriminator};
        Validate(*tag, schema.discriminator_schema ? *schema.discriminator_schema : *Enum(names),
                 child, ctx);
        return;
      }
      if (node.is_map() && schema.when_map) {
        Validate(node, *schema.when_map, path, ctx);
      } else if (node.is_list() && schema.when_list) {
        Validate(node, *schema.when_list, path, ctx);
      } else {
        return WrongType(node, "a mapping or a list", path, ctx, {});
      }
      return;
  }
  // One problem per value: a value that already broke a schema rule is not checked further.
  if (schema.check && ctx.diagnostics.error_count() == errors_before)
    schema.check(node, path, ctx);
}

Json ToJson(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull:
      return nullptr;
    case Node::Kind::kBool:
      return node.text[0] == 't' || node.text[0] == 'T';
    case Node::Kind::kInt: {
      if (node.text.rfind("0o", 0) == 0)
        return std::strtoll(node.text.c_str() + 2, nullptr, 8);
      if (node.text.rfind("0x", 0) == 0)
        return std::strtoll(node.text.c_str() + 2, nullptr, 16);
      return std::strtoll(node.text.c_str(), nullptr, 10);
    }
    case Node::Kind::kFloat:
      return std::strtod(node.text.c_str(), nullptr);
    case Node::Kind::kString:
      return node.text;
    case Node::Kind::kList: {
      Json out = Json::array();
      for (const Node& item : node.items)
        out.push_back(ToJson(item));
      return out;
    }
    case Node::Kind::kMap: {
      Json out = Json::object();
      for (const Node::Entry& e : node.entries)
        out[e.key] = ToJson(e.value);
      return out;
    }
  }
  return nullptr;
}

namespace {

void AppendJsonString(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

void AppendCanonicalJson(const Node& node, std::string& out) {
  switch (node.kind) {
    case Node::Kind::kNull:
      out += "null";
      return;
    case Node::Kind::kBool:
      out += node.text[0] == 't' || node.text[0] == 'T' ? "true" : "false";
      return;
    case Node::Kind::kInt: {
      // Normalised: 0x1F, +31 and 31 hash alike.
      const char* text = node.text.c_str();
      long long value = node.text.rfind("0o", 0) == 0   ? std::strtoll(text + 2, nullptr, 8)
                        : node.text.rfind("0x", 0) == 0 ? std::strtoll(text + 2, nullptr, 16)
                                                        : std::strtoll(text, nullptr, 10);
      out += std::to_string(value);
      return;
    }
    case Node::Kind::kFloat: {
      double value = std::strtod(node.text.c_str(), nullptr);
      if (!std::isfinite(value)) {
        AppendJsonString(node.text, out);
      } else {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.17g", value);
        out += buffer;
      }
      return;
    }
    case Node::Kind::kString:
      AppendJsonString(node.text, out);
      return;
    case Node::Kind::kList:
      out += '[';
      for (size_t i = 0; i < node.items.size(); ++i) {
        if (i > 0)
          out += ',';
        AppendCanonicalJson(node.items[i], out);
      }
      out += ']';
      return;
    case Node::Kind::kMap: {
      std::vector<const Node::Entry*> sorted;
      sorted.reserve(node.entries.size());
      for (const Node::Entry& e : node.entries)
        sorted.push_back(&e);
      std::sort(sorted.begin(), sorted.end(),
                [](const Node::Entry* a, const Node::Entry* b) { return a->key < b->key; });
      out += '{';
      for (size_t i = 0; i < sorted.size(); ++i) {
        if (i > 0)
          out += ',';
        AppendJsonString(sorted[i]->key, out);
        out += ':';
        AppendCanonicalJson(sorted[i]->value, out);
      }
      out += '}';
      return;
    }
  }
}

Json Materialize(const Node& node, const Schema& schema) {
  using T = Schema::Type;
  switch (schema.type) {
    case T::kInteger:
      if (IsIntegralFloat(node))
        return static_cast<long long>(std::strtod(node.text.c_str(), nullptr));
      return ToJson(node);
    case T::kObject: {
      if (!node.is_map())
        return ToJson(node);
      Json out = Json::object();
      for (const Field& field : schema.fields) {
        const Node* value = node.Find(field.name);
        if (value != nullptr) {
          out[field.name] = Materialize(*value, *field.schema);
        } else if (!field.schema->default_value.is_null()) {
          out[field.name] = field.schema->default_value;
        }
      }
      return out;
    }
    case T::kMap: {
      if (!node.is_map())
        return ToJson(node);
      Json out = Json::object();
      for (const Node::Entry& e : node.entries)
        out[e.key] = Materialize(e.value, *schema.values);
      return out;
    }
    case T::kList: {
      if (!node.is_list())
        return ToJson(node);
      Json out = Json::array();
      for (const Node& item : node.items)
        out.push_back(Materialize(item, *schema.items));
      return out;
    }
    case T::kVariants: {
      if (!schema.discriminator.empty()) {
        std::string tag = node.GetString(schema.discriminator);
        for (const auto& [name, variant] : schema.variants) {
          if (name == tag)
            return Materialize(node, *variant);
        }
        return ToJson(node);
      }
      if (node.is_map() && schema.when_map)
        return Materialize(node, *schema.when_map);
      if (node.is_list() && schema.when_list)
        return Materialize(node, *schema.when_list);
      return ToJson(node);
    }
    default:
      return ToJson(node);
  }
}

namespace {

std::string CaseInsensitivePattern(const std::vector<std::string>& words) {
  std::string out = "^(?:";
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0)
      out += '|';
    for (char c : words[i]) {
      char lo = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      char up = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (lo != up) {
        out += '[';
        out += lo;
        out += up;
        out += ']';
      } else {
        out += c;
      }
    }
  }
  out += ")$";
  return out;
}

class JsonSchemaWriter {
 public:
  explicit JsonSchemaWriter(const std::vector<std::string>& forbidden) : forbidden_(forbidden) {}

  Json Write(const Schema& s) {
    using T = Schema::Type;
    Json out = Json::object();
    if (!s.description.empty())
      out["description"] = s.description;
    switch (s.type) {
      case T::kString:
        out["type"] = "string";
        if (!s.enum_values.empty())
          out["enum"] = s.enum_values;
        if (s.enum_values.empty() && !s.enum_subject.empty())
          out["not"] = Json::object();  // nothing is available: every value is refused
        if (!s.pattern.empty())
          out["pattern"] = s.pattern;
        if (s.max_length > 0)
          out["maxLength"] = s.max_length;
        if (!s.reserved_values.empty())
          out["not"] = {{"enum", s.reserved_values}};
        break;
      case T::kInteger:
      case T::kNumber:
        out["type"] = s.type == T::kInteger ? "integer" : "number";
        if (s.minimum)
          out["minimum"] = Number(*s.minimum);
        if (s.maximum)
          out["maximum"] = Number(*s.maximum);
        break;
      case T::kBoolean:
        out["type"] = "boolean";
        break;
      case T::kObject:
        WriteObject(s, out);
        break;
      case T::kMap:
        out["type"] = "object";
        if (!forbidden_.empty() && !s.data_keys)
          out["propertyNames"] = ForbiddenNames();
        out["additionalProperties"] = Write(*s.values);
        break;
      case T::kList:
        out["type"] = "array";
        out["items"] = Write(*s.items);
        if (s.min_items > 0)
          out["minItems"] = s.min_items;
        break;
      case T::kAny:
        if (!forbidden_.empty())
          out["$ref"] = "#/$defs/freeValue";
        break;
      case T::kVariants:
        if (!s.discriminator.empty()) {
          std::vector<std::string> names;
          Json all = Json::array();
          for (const auto& [name, variant] : s.variants) {
            names.push_back(name);
            all.push_back({{"if", {{"properties", {{s.discriminator, {{"const", name}}}}}}},
                           {"then", Write(*variant)}});
          }
          out["type"] = "object";
          out["required"] = {s.discriminator};
          out["properties"] = {{s.discriminator, {{"enum", names}}}};
          out["allOf"] = all;
        } else {
          Json any = Json::array();
          if (s.when_map)
            any.push_back(Write(*s.when_map));
          if (s.when_list)
            any.push_back(Write(*s.when_list));
          out["oneOf"] = any;
        }
        break;
    }
    if (!s.default_value.is_null())
      out["default"] = s.default_value;
    return out;
  }

  Json FreeValueDef() const {
    Json scalar = {{"type", {"string", "number", "boolean", "null"}}};
    Json array = {{"type", "array"}, {"items", {{"$ref", "#/$defs/freeValue"}}}};
    Json object = {{"type", "object"},
                   {"propertyNames", ForbiddenNames()},
                   {"additionalProperties", {{"$ref", "#/$defs/freeValue"}}}};
    return {{"anyOf", {scalar, array, object}}};
  }

 private:
  static Json Number(double d) {
    if (d == std::floor(d))
      return static_cast<long long>(d);
    return d;
  }

  Json ForbiddenNames() const {
    return {{"not", {{"pattern", CaseInsensitivePattern(forbidden_)}}}};
  }

  void WriteObject(const Schema& s, Json& out) {
    out["type"] = "object";
    Json props = Json::object();
    Json required = Json::array();
    for (const Field& f : s.fields) {
      props[f.name] = Write(*f.schema);
      if (f.required)
        required.push_back(f.name);
    }
    out["properties"] = props;
    if (!required.empty())
      out["required"] = required;
    out["additionalProperties"] = false;
    Json all = Json::array();
    for (const KeyRule& r : s.rules) {
      switch (r.kind) {
        case KeyRule::Kind::kForbidUnless:
          all.push_back({{"if", {{"required", {r.target}}}},
                         {"then",
                          {{"required", {r.when_key}},
                           {"properties", {{r.when_key, {{"enum", r.when_values}}}}}}}});
          break;
        case KeyRule::Kind::kForbidWhen:
          all.push_back({{"if",
                          {{"required", {r.when_key}},
                           {"properties", {{r.when_key, {{"enum", r.when_values}}}}}}},
                         {"then", {{"not", {{"required", {r.target}}}}}}});
          break;
        case KeyRule::Kind::kRequireWhen:
          all.push_back({{"if",
                          {{"required", {r.when_key}},
                           {"properties", {{r.when_key, {{"enum", r.when_values}}}}}}},
                         {"then", {{"required", {r.target}}}}});
          break;
        case KeyRule::Kind::kExclusive:
          all.push_back({{"not", {{"required", {r.when_key, r.target}}}}});
          break;
        case KeyRule::Kind::kOneOf:
          all.push_back({{"oneOf", {{{"required", {r.when_key}}}, {{"required", {r.target}}}}}});
          break;
      }
    }
    if (!all.empty())
      out["allOf"] = all;
  }

  const std::vector<std::string>& forbidden_;
};

}  // namespace

Json ToJsonSchema(const Schema& schema, const std::vector<std::string>& forbidden_keys) {
  JsonSchemaWriter writer(forbidden_keys);
  Json body = writer.Write(schema);
  Json out = Json::object();
  out["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  for (auto& [k, v] : body.items())
    out[k] = v;
  if (!forbidden_keys.empty())
    out["$defs"] = {{"freeValue", writer.FreeValueDef()}};
  return out;
}

}  // namespace floe::config
