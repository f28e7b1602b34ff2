#include "floe/compile/artifacts.h"

#include <cstdio>

#include "floe/base/fs.h"
#include "floe/compile/compiler.h"
#include "floe/config/checks.h"
#include "floe/config/documents.h"

namespace floe::compile {
namespace {

using config::Any;
using config::ListOf;
using config::MapOf;
using config::Object;
using config::Optional;
using config::Required;
using config::String;

// JSON value -> Node (no positions), so the schema validator can judge JSON documents too.
Node FromJson(const Json& j) {
  Node n;
  if (j.is_null()) {
    n.kind = Node::Kind::kNull;
  } else if (j.is_boolean()) {
    n.kind = Node::Kind::kBool;
    n.text = j.get<bool>() ? "true" : "false";
  } else if (j.is_number_integer()) {
    n.kind = Node::Kind::kInt;
    n.text = j.dump();
  } else if (j.is_number()) {
    n.kind = Node::Kind::kFloat;
    n.text = j.dump();
  } else if (j.is_string()) {
    n.kind = Node::Kind::kString;
    n.text = j.get<std::string>();
  } else if (j.is_array()) {
    n.kind = Node::Kind::kList;
    for (const Json& item : j)
      n.items.push_back(FromJson(item));
  } else {
    n.kind = Node::Kind::kMap;
    for (const auto& [k, v] : j.items())
      n.entries.push_back({k, {}, FromJson(v)});
  }
  return n;
}

bool ParseVersion(const std::string& v, int& major, int& minor) {
  return std::sscanf(v.c_str(), "%d.%d", &major, &minor) == 2;
}

std::string Indent(size_t depth) {
  return std::string(depth * 2, ' ');  // NOLINT(modernize-return-braced-init-list): not a list
}

void EmitYaml(const Json& value, size_t depth, std::string& out);

std::string Scalar(const Json& value) {
  if (value.is_string())
    return value.dump();  // JSON string escapes are valid YAML double-quoted
  return value.dump();
}

void EmitYaml(const Json& value, size_t depth, std::string& out) {
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) {
      out += Indent(depth) + Json(k).dump() + ":";
      if ((v.is_object() || v.is_array()) && !v.empty()) {
        out += '\n';
        EmitYaml(v, v.is_array() ? depth : depth + 1, out);
      } else {
        out += ' ' +
               (v.is_object()  ? std::string("{}")
                : v.is_array() ? std::string("[]")
                               : Scalar(v)) +
               '\n';
      }
    }
  } else if (value.is_array()) {
    for (const Json& v : value) {
      if (v.is_object() && !v.empty()) {
        std::string nested;
        EmitYaml(v, depth + 1, nested);
        out += Indent(depth) + "- " + nested.substr(Indent(depth + 1).size());
      } else if (v.is_array() && !v.empty()) {
        out += Indent(depth) + "-\n";
        EmitYaml(v, depth + 1, out);
      } else {
        out += Indent(depth) + "- " +
               (v.is_object()  ? std::string("{}")
                : v.is_array() ? std::string("[]")
                               : Scalar(v)) +
               '\n';
      }
    }
  } else {
    out += Indent(depth) + Scalar(value) + '\n';
  }
}

// JSON text for people and machines: one key per line, and lists of scalars that fit on a line
// (tags, depends_on, …) kept on it, which halves the size of a product with thousands of models
// compared with one element per line.
class PrettyJson {
 public:
  explicit PrettyJson(std::string& out) : out_(out) {}

  void Write(const Json& value, size_t depth) {
    if (value.is_object()) {
      if (value.empty()) {
        out_ += "{}";
        return;
      }
      out_ += "{\n";
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first)
          out_ += ",\n";
        first = false;
        Indent(depth + 1);
        String(key);
        out_ += ": ";
        Write(item, depth + 1);
      }
      out_ += '\n';
      Indent(depth);
      out_ += '}';
    } else if (value.is_array()) {
      if (value.empty()) {
        out_ += "[]";
        return;
      }
      if (FitsOnALine(value, depth)) {
        out_ += '[';
        for (size_t i = 0; i < value.size(); ++i) {
          if (i > 0)
            out_ += ", ";
          Scalar(value[i]);
        }
        out_ += ']';
        return;
      }
      out_ += "[\n";
      for (size_t i = 0; i < value.size(); ++i) {
        if (i > 0)
          out_ += ",\n";
        Indent(depth + 1);
        Write(value[i], depth + 1);
      }
      out_ += '\n';
      Indent(depth);
      out_ += ']';
    } else {
      Scalar(value);
    }
  }

 private:
  static constexpr size_t kLineWidth = 100;

  bool FitsOnALine(const Json& array, size_t depth) const {
    size_t width = depth * 2 + 2;
    for (const Json& item : array) {
      if (item.is_structured())
        return false;
      width += (item.is_string() ? item.get_ref<const std::string&>().size() + 2 : 8) + 2;
      if (width > kLineWidth)
        return false;
    }
    return true;
  }

  void Indent(size_t depth) { out_.append(depth * 2, ' '); }

  void Scalar(const Json& value) {
    if (value.is_string()) {
      String(value.get_ref<const std::string&>());
    } else if (value.is_number_integer()) {
      out_ += value.is_number_unsigned() ? std::to_string(value.get<uint64_t>())
                                         : std::to_string(value.get<int64_t>());
    } else {
      out_ += value.dump();  // floats (shortest round-trip form), booleans, null
    }
  }

  // The escaping of nlohmann::json's dump, so every JSON reader reads the same text.
  void String(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_ += '"';
    for (char c : text) {
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\t':
          out_ += "\\t";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\b':
          out_ += "\\b";
          break;
        case '\f':
          out_ += "\\f";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            out_ += "\\u00";
            out_ += kHex[static_cast<unsigned char>(c) >> 4];
            out_ += kHex[static_cast<unsigned char>(c) & 0xF];
          } else {
            out_ += c;
          }
      }
    }
    out_ += '"';
  }

  std::string& out_;
};

std::string PrettyText(const Json& value) {
  std::string out;
  PrettyJson(out).Write(value, 0);
  return out;
}

}  // namespace

config::SchemaRef CompiledArtifactsSchema() {
  auto plugin = Object({Required("type", String()), Required("version", String()),
                        Optional("config", Any()), Optional("connection_secret_ref", String())});
  auto root = Object({
      Required("version", config::Pattern(R"(^\d+\.\d+\.\d+$)", config::IsSemver)),
      Required("metadata",
               Object({Required("compiled_at", String()), Required("floe_version", String()),
                       Required("source_hash", String()), Required("product_name", String()),
                       Required("product_version", String()), Optional("platform_name", String()),
                       Optional("platform_version", String())})),
      Required("identity",
               Object({Required("product_id", String()), Required("domain", String()),
                       Optional("repository", String()), Optional("namespace_registered", Any()),
                       Optional("registration_timestamp", Any())})),
      Required("mode", config::Enum({"simple", "centralized", "mesh"})),
      Optional("inheritance_chain",
               ListOf(Object({Required("name", String()), Required("version", String()),
                              Required("scope", String()), Optional("ref", String())}))),
      Required("plugins", MapOf(plugin)),
      Required("transforms",
               Object({Optional("default_compute", String()), Optional("models", ListOf(Any())),
                       Optional("dbt_project", Any())})),
      Optional("dbt_profiles", Any()),
      Optional("governance", Any()),
      Optional("observability", Any()),
      Optional("schedule", Any()),
      Optional("output_ports", ListOf(Any())),
      Optional("destinations", ListOf(Any())),
      // Written by earlier contract versions (0.10) and by the enforcement and contracts steps.
      Optional("enforcement_result", Any()),
      Optional("data_contracts", ListOf(Any())),
      Optional("quality_config", Any()),
  });
  root->description = "floe CompiledArtifacts (target/compiled_artifacts.json)";
  return root;
}

std::optional<Json> ReadCompiledArtifacts(const std::string& path, Diagnostics& diagnostics) {
  std::string text;
  if (!ReadFile(path, text, diagnostics))
    return std::nullopt;
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    diagnostics.Error(Code::kArtifactsJson, {path, 0, 0}, "the file is not a JSON object",
                      "compiled artifacts are written by `floe platform compile`");
    return std::nullopt;
  }
  int major = 0;
  int minor = 0;
  int our_major = 0;
  int our_minor = 0;
  ParseVersion(kArtifactsVersion, our_major, our_minor);
  if (!j.contains("version")) {
    diagnostics.Error(Code::kArtifactsVersion, {path, 0, 0},
                      "the file has no `version`, so it is not compiled artifacts",
                      "compiled artifacts are written by `floe platform compile`");
    return std::nullopt;
  }
  std::string version =
      j.contains("version") && j["version"].is_string() ? j["version"].get<std::string>() : "";
  if (!ParseVersion(version, major, minor) || major != our_major || minor > our_minor) {
    diagnostics.Error(Code::kArtifactsVersion, {path, 0, 0},
                      "compiled artifacts version `" + version +
                          "` cannot be read by this floe, which reads " +
                          std::to_string(our_major) + ".0 to " + kArtifactsVersion,
                      "compile the product again with this floe");
    return std::nullopt;
  }
  Document doc;
  doc.path = path;
  doc.root = FromJson(j);
  config::ValidationContext ctx{doc, diagnostics, {}, Code::kCredentialKey, {}};
  size_t before = diagnostics.error_count();
  config::Validate(doc.root, *CompiledArtifactsSchema(), config::Path{}, ctx);
  if (diagnostics.error_count() != before)
    return std::nullopt;
  return j;
}

std::string ToYaml(const Json& value) {
  std::string out;
  EmitYaml(value, 0, out);
  return out;
}

std::string Render(const Json& artifacts, const RenderOptions& options) {
  switch (options.format) {
    case OutputFormat::kJson:
      return PrettyText(artifacts) + "\n";
    case OutputFormat::kYaml:
      return ToYaml(artifacts);
    case OutputFormat::kConfigMap: {
      Json metadata = {{"name", options.configmap_name}};
      if (!options.namespace_name.empty())
        metadata["namespace"] = options.namespace_name;
      std::string out = "apiVersion: \"v1\"\nkind: \"ConfigMap\"\nmetadata:\n";
      for (const auto& [k, v] : metadata.items())
        out += "  " + Json(k).dump() + ": " + v.dump() + "\n";
      out += "data:\n  \"compiled_artifacts.json\": |\n";
      std::string body = PrettyText(artifacts);
      size_t start = 0;
      while (start <= body.size()) {
        size_t end = body.find('\n', start);
        if (end == std::string::npos)
          end = body.size();
        out += "    " + body.substr(start, end - start) + "\n";
        start = end + 1;
      }
      return out;
    }
  }
  return {};
}

}  // namespace floe::compile
