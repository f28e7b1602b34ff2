#pragma once
// One declaration of a configuration file's shape drives three things: validation with
// positioned diagnostics, filling in defaults (what the compiler emits), and the exported JSON
// Schema that editors use. Rules that JSON Schema cannot express are `Check`s on a node.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/base/diagnostic.h"
#include "floe/base/node.h"

namespace floe::config {

using Json = nlohmann::ordered_json;
struct Schema;
using SchemaRef = std::shared_ptr<const Schema>;

/// The path of a node inside its document, built only when a diagnostic needs it.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;
  size_t index = static_cast<size_t>(-1);
  /// "governance.quality_gates.minimum_test_coverage", "transforms[3].name".
  std::string str() const;
};

/// What validation of one document carries along.
struct ValidationContext {
  const Document& document;
  Diagnostics& diagnostics;
  /// Keys rejected anywhere in the document except where the schema declares them (lower case).
  std::vector<std::string> forbidden_keys;
  Code forbidden_code = Code::kCredentialKey;
  std::string forbidden_hint;

  Location At(Mark mark) const { return document.At(mark); }
};

using Check = std::function<void(const Node& node, const Path& path, ValidationContext& ctx)>;

struct Field {
  std::string name;
  SchemaRef schema;
  bool required = false;
};

/// A rule between the keys of one object, exported as a JSON Schema if/then.
struct KeyRule {
  enum class Kind : uint8_t {
    kForbidUnless,  // `target` may only be present when `when_key` is one of `when_values`
    kForbidWhen,    // `target` may not be present when `when_key` is one of `when_values`
    kRequireWhen,   // `target` must be present when `when_key` is one of `when_values`
    kExclusive,     // `when_key` and `target` may not both be present
    kOneOf,         // exactly one of `when_key` and `target` must be present
  };
  Kind kind;
  std::string when_key;
  std::vector<std::string> when_values;
  std::string target;
  Code code;
  std::string message;
  std::string hint;
};

struct Schema : std::enable_shared_from_this<Schema> {
  enum class Type : uint8_t {
    kString,
    kInteger,
    kNumber,
    kBoolean,
    kObject,
    kMap,
    kList,
    kAny,
    kVariants
  };

  Type type = Type::kAny;
  std::string description;
  Json default_value;  // null: no default

  // kString
  std::vector<std::string> enum_values;
  std::vector<std::string> reserved_values;
  /// For enums with their own wording: "`x` is not <enum_subject>" with `enum_code`.
  std::string enum_subject;
  Code enum_code = Code::kNotAllowed;
  std::string pattern;                          // ECMA-262, for JSON Schema and hints
  bool (*matches)(std::string_view) = nullptr;  // fast check equivalent to `pattern`
  size_t max_length = 0;
  // kInteger / kNumber
  std::optional<double> minimum;
  std::optional<double> maximum;
  // kObject
  std::vector<Field> fields;
  std::vector<KeyRule> rules;
  /// Keys that get `unknown_key_code` and hint instead of "unknown key" (e.g. environment keys).
  std::vector<std::string> special_unknown_keys;
  Code special_unknown_code = Code::kUnknownKey;
  std::string special_unknown_message;
  // kMap
  SchemaRef values;
  bool data_keys = false;  // keys are data (column names), not settings: never forbidden
  // kList
  SchemaRef items;
  size_t min_items = 0;
  std::string unique_field;  // items are objects whose `unique_field` must differ
  // kVariants: object variants chosen by the value of `discriminator`, or by the node's shape
  std::string discriminator;
  std::vector<std::pair<std::string, SchemaRef>> variants;
  SchemaRef discriminator_schema;  // judges an unknown discriminator value (wording, code)
  SchemaRef when_map;
  SchemaRef when_list;
  /// JSON Schema cannot say this rule; checked after the schema rules pass for this node.
  Check check;
  /// Content under this node is free-form (plugin config, labels): JSON Schema still rejects
  /// forbidden keys inside it.
  bool free_form = false;

  // Fluent setters, used by the schema declarations.
  std::shared_ptr<Schema> Describe(std::string text);
  std::shared_ptr<Schema> Default(Json value);
  std::shared_ptr<Schema> Checked(Check c);
  std::shared_ptr<Schema> Rule(KeyRule rule);
  std::shared_ptr<Schema> UniqueBy(std::string field);
  std::shared_ptr<Schema> MinItems(size_t n);
  std::shared_ptr<Schema> MaxLength(size_t n);
  std::shared_ptr<Schema> Reserved(std::vector<std::string> values);
  std::shared_ptr<Schema> EnumWording(Code code, std::string subject);

  const Field* FindField(std::string_view name) const;
};

// Builders.
std::shared_ptr<Schema> String();
std::shared_ptr<Schema> Pattern(std::string pattern, bool (*matches)(std::string_view));
std::shared_ptr<Schema> Enum(std::vector<std::string> values);
std::shared_ptr<Schema> Integer(std::optional<double> minimum = {},
                                std::optional<double> maximum = {});
std::shared_ptr<Schema> Number(std::optional<double> minimum = {},
                               std::optional<double> maximum = {});
std::shared_ptr<Schema> Boolean();
std::shared_ptr<Schema> Object(std::vector<Field> fields);
std::shared_ptr<Schema> MapOf(SchemaRef values);
std::shared_ptr<Schema> ListOf(SchemaRef items);
std::shared_ptr<Schema> Any();
std::shared_ptr<Schema> OneOfByKey(std::string discriminator,
                                   std::vector<std::pair<std::string, SchemaRef>> variants);
std::shared_ptr<Schema> MapOrList(SchemaRef when_map, SchemaRef when_list);
Field Required(std::string name, SchemaRef schema);
Field Optional(std::string name, SchemaRef schema);

/// Validates `node` against `schema`, reporting every problem to ctx.diagnostics.
void Validate(const Node& node, const Schema& schema, const Path& path, ValidationContext& ctx);

/// The node's content as JSON with the schema's defaults filled in, object keys in schema order.
Json Materialize(const Node& node, const Schema& schema);
/// A node as JSON without a schema (free-form content).
Json ToJson(const Node& node);
/// The node as canonical JSON text (keys sorted, no whitespace, numbers normalised), appended to
/// `out`: equal for documents that differ only in layout, quoting, key order or comments.
void AppendCanonicalJson(const Node& node, std::string& out);

/// The JSON Schema (draft 2020-12) of `schema`; `forbidden_keys` are rejected in free-form parts.
Json ToJsonSchema(const Schema& schema, const std::vector<std::string>& forbidden_keys = {});

}  // namespace floe::config
