#include "floe/config/inheritance.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>

#include "floe/base/fs.h"
#include "floe/config/checks.h"
#include "floe/config/documents.h"

namespace floe::config {
namespace {

constexpr size_t kMaxChain = 16;

const Node* FindPath(const Node& root, const std::string& dotted,
                     const Node::Entry** entry = nullptr) {
  const Node* node = &root;
  size_t start = 0;
  while (node != nullptr) {
    size_t dot = dotted.find('.', start);
    std::string key =
        dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_map())
      return nullptr;
    const Node::Entry* e = node->FindEntry(key);
    if (e == nullptr)
      return nullptr;
    if (dot == std::string::npos) {
      if (entry != nullptr)
        *entry = e;
      return &e->value;
    }
    node = &e->value;
    start = dot + 1;
  }
  return nullptr;
}

// Lists that accumulate down the chain: a child adds rules, it never removes its parent's.
bool Accumulates(const std::string& path) {
  static const std::vector<std::string> kPaths = {"governance.custom_rules", "governance.policies",
                                                  "governance.secret_scanning.exclude_patterns",
                                                  "governance.secret_scanning.custom_patterns"};
  return std::find(kPaths.begin(), kPaths.end(), path) != kPaths.end();
}

// Named list entries (policies) that a child redefines replace the parent's entry.
void AccumulateByName(Node& base, const Node& child) {
  for (const Node& item : child.items) {
    std::string name = item.is_map() ? item.GetString("name") : std::string();
    auto same = std::find_if(base.items.begin(), base.items.end(), [&](const Node& b) {
      return !name.empty() && b.is_map() && b.GetString("name") == name;
    });
    if (same != base.items.end()) {
      *same = item;
    } else {
      base.items.push_back(item);
    }
  }
}

// Subtrees a child replaces whole instead of merging key by key.
bool ReplacedWhole(const std::string& path) {
  return path.rfind("plugins.", 0) == 0 || path == "metadata";
}

void MergeInto(Node& base, const Node& child, const std::string& path) {
  for (const Node::Entry& e : child.entries) {
    std::string sub = path.empty() ? e.key : path + "." + e.key;
    Node::Entry* existing = nullptr;
    for (Node::Entry& b : base.entries) {
      if (b.key == e.key)
        existing = &b;
    }
    if (existing == nullptr) {
      base.entries.push_back(e);
    } else if (existing->value.is_map() && e.value.is_map() && !ReplacedWhole(sub)) {
      MergeInto(existing->value, e.value, sub);
    } else if (existing->value.is_list() && e.value.is_list() && Accumulates(sub)) {
      AccumulateByName(existing->value, e.value);
    } else {
      existing->value = e.value;
      existing->key_mark = e.key_mark;
    }
  }
}

// Keys that describe one manifest and never pass to its children.
bool PerLayer(const std::string& key) {
  return key == "scope" || key == "parent_manifest" || key == "approved_plugins" ||
         key == "approved_sinks" || key == "approved_products";
}

// The merged manifest of chain[0..count): what a child at position `count` inherits.
Node MergeLayers(const std::vector<ManifestLayer>& chain, size_t count) {
  Node merged;
  merged.kind = Node::Kind::kMap;
  for (size_t i = 0; i < count; ++i) {
    const ManifestLayer& layer = chain[i];
    if (!layer.document.root.is_map())
      continue;
    Node inheritable;
    inheritable.kind = Node::Kind::kMap;
    for (const Node::Entry& e : layer.document.root.entries) {
      if (!PerLayer(e.key) || i + 1 == chain.size())
        inheritable.entries.push_back(e);
    }
    MergeInto(merged, inheritable, "");
  }
  return merged;
}

const Json* JsonPath(const Json& root, const std::string& dotted) {
  const Json* node = &root;
  size_t start = 0;
  for (;;) {
    size_t dot = dotted.find('.', start);
    std::string key =
        dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(key))
      return nullptr;
    node = &(*node)[key];
    if (dot == std::string::npos)
      return node;
    start = dot + 1;
  }
}

std::string JsonText(const Json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

double Rank(const Json& value, const StrictnessRule& rule) {
  if (rule.order.empty()) {
    if (value.is_boolean())
      return value.get<bool>() ? 1 : 0;
    return value.is_number() ? value.get<double>() : -1;
  }
  if (!value.is_string())
    return -1;
  auto it = std::find(rule.order.begin(), rule.order.end(), value.get<std::string>());
  return it == rule.order.end() ? -1 : static_cast<double>(it - rule.order.begin());
}

double Rank(const Node& node, const StrictnessRule& rule) {
  if (rule.order.empty()) {
    if (node.kind == Node::Kind::kBool)
      return node.text[0] == 't' || node.text[0] == 'T' ? 1 : 0;
    return std::strtod(node.text.c_str(), nullptr);
  }
  auto it = std::find(rule.order.begin(), rule.order.end(), node.text);
  return it == rule.order.end() ? -1 : static_cast<double>(it - rule.order.begin());
}

std::string Describe(const StrictnessRule& rule, const Json& parent) {
  std::string text = JsonText(parent);
  if (!rule.order.empty()) {
    std::vector<std::string> stronger(rule.order.begin() + static_cast<long>(Rank(parent, rule)),
                                      rule.order.end());
    return "use " + QuotedList(stronger) + ", or remove the key to inherit `" + text + "`";
  }
  if (parent.is_boolean())
    return "remove the key to inherit `" + text + "`";
  return "use " + text + " or more, or remove the key to inherit it";
}

// Where the nearest ancestor of chain[i] decides `path`: its explicit value, or else the
// section it leaves at the default.
struct Decision {
  Location location;
  const ManifestLayer* layer = nullptr;
  bool explicit_value = false;
};

Decision DecidedAt(const std::vector<ManifestLayer>& chain, size_t i, const std::string& path) {
  for (size_t j = i; j-- > 0;) {
    if (const Node* v = FindPath(chain[j].document.root, path)) {
      return {chain[j].document.At(v->mark), &chain[j], true};
    }
  }
  std::string section = path.substr(0, path.rfind('.'));
  for (size_t j = i; j-- > 0;) {
    const Node::Entry* entry = nullptr;
    if (FindPath(chain[j].document.root, section, &entry) != nullptr) {
      return {chain[j].document.At(entry->key_mark), &chain[j], false};
    }
  }
  return {chain[0].document.At(Mark{1, 1}), &chain[0], false};
}

// A child may only tighten: every protected setting it writes is compared with what it
// inherits, the parent's own value or, in a section the parent declares, its default.
void CheckNoWeakening(const std::vector<ManifestLayer>& chain, const Schema& schema,
                      Diagnostics& diagnostics) {
  for (size_t i = 1; i < chain.size(); ++i) {
    const ManifestLayer& child = chain[i];
    Json inherited = Materialize(MergeLayers(chain, i), schema);
    for (const StrictnessRule& rule : NoWeakeningRules()) {
      const Node* value = FindPath(child.document.root, rule.path);
      const Json* parent_value = JsonPath(inherited, rule.path);
      if (value == nullptr || !value->is_scalar() || parent_value == nullptr)
        continue;
      double child_rank = Rank(*value, rule);
      double parent_rank = Rank(*parent_value, rule);
      if (child_rank < 0 || parent_rank < 0 || child_rank >= parent_rank)
        continue;
      Decision decided = DecidedAt(chain, i, rule.path);
      std::string parent_text = JsonText(*parent_value);
      Diagnostic& d = diagnostics.Error(
          Code::kWeakenedPolicy, child.document.At(value->mark),
          "`" + rule.path + ": " + value->text + "` weakens the " + decided.layer->scope +
              " manifest, which " + (decided.explicit_value ? "sets" : "leaves the default") +
              " `" + parent_text + "`; a child manifest may only tighten its parent's governance",
          Describe(rule, *parent_value));
      d.notes.push_back(
          {decided.location, decided.explicit_value
                                 ? "the parent sets it here"
                                 : "the parent's section, where the default applies"});
    }
    // Exceptions to the policies are the root manifest's to grant.
    if (const Node::Entry* overrides = nullptr;
        FindPath(child.document.root, "governance.policy_overrides", &overrides) != nullptr &&
        !overrides->value.items.empty()) {
      Diagnostic& d = diagnostics.Error(
          Code::kWeakenedPolicy, child.document.At(overrides->key_mark),
          "a " + child.scope +
              " manifest cannot add `policy_overrides`: they exempt models from the " +
              "policies the " + chain[0].scope + " manifest sets",
          "ask the owners of " + chain[0].document.path +
              " to grant the exception there, with an `expires` date");
      d.notes.push_back({chain[0].document.At(Mark{1, 1}), "the root manifest of the chain"});
    }
    // A policy redefined by name may not get a weaker action.
    const Node* policies = FindPath(child.document.root, "governance.policies");
    const Json* inherited_policies = JsonPath(inherited, "governance.policies");
    if (policies == nullptr || inherited_policies == nullptr)
      continue;
    static const StrictnessRule kAction{"action", {"warn", "error", "block"}};
    for (const Node& policy : policies->items) {
      if (!policy.is_map())
        continue;
      std::string name = policy.GetString("name");
      for (const Json& parent : *inherited_policies) {
        if (!parent.is_object() || parent.value("name", "") != name)
          continue;
        const Node* action = policy.Find("action");
        Json child_action = action != nullptr ? Json(action->text) : Json("warn");
        if (Rank(child_action, kAction) >= Rank(parent["action"], kAction))
          continue;
        Location where = DecidedAt(chain, i, "governance.policies").location;
        Diagnostic& d = diagnostics.Error(
            Code::kWeakenedPolicy,
            child.document.At(action != nullptr ? action->mark : policy.mark),
            "policy `" + name + "` redefined with `action: " + child_action.get<std::string>() +
                "`, weaker than the inherited `" + parent["action"].get<std::string>() + "`",
            "keep `action: " + parent["action"].get<std::string>() +
                "` or stronger, or give the policy another name");
        d.notes.push_back({where, "the parent's policies"});
      }
    }
  }
}

const ManifestLayer* Enterprise(const std::vector<ManifestLayer>& chain) {
  for (const ManifestLayer& layer : chain) {
    if (layer.scope == "enterprise")
      return &layer;
  }
  return nullptr;
}

std::vector<std::string> Strings(const Node& list) {
  std::vector<std::string> out;
  for (const Node& item : list.items)
    out.push_back(item.text);
  return out;
}

bool Contains(const Node& list, const std::string& value) {
  return std::any_of(list.items.begin(), list.items.end(),
                     [&](const Node& n) { return n.text == value; });
}

// Every plugin a manifest in the chain selects must be in the enterprise whitelist.
void CheckPluginWhitelist(const std::vector<ManifestLayer>& chain, Diagnostics& diagnostics) {
  const ManifestLayer* enterprise = Enterprise(chain);
  if (enterprise == nullptr)
    return;
  const Node* approved = enterprise->document.root.Find("approved_plugins");
  if (approved == nullptr)
    return;
  for (const ManifestLayer& layer : chain) {
    const Node* plugins = layer.document.root.Find("plugins");
    if (plugins == nullptr || !plugins->is_map())
      continue;
    for (const Node::Entry& selection : plugins->entries) {
      const Node* allowed = approved->Find(selection.key);
      const Node* type = selection.value.Find("type");
      if (allowed == nullptr || type == nullptr || Contains(*allowed, type->text))
        continue;
      Diagnostic& d = diagnostics.Error(
          Code::kPluginNotApproved, layer.document.At(type->mark),
          "plugin `" + type->text + "` is not in the enterprise whitelist for `" + selection.key +
              "`",
          "approved " + selection.key + " plugins: " + QuotedList(Strings(*allowed)));
      d.notes.push_back({enterprise->document.At(approved->FindEntry(selection.key)->key_mark),
                         "the enterprise whitelist is here"});
    }
  }
}

bool FileExists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

std::string Today() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

// An expired policy override no longer applies: say so, so nobody relies on it by mistake.
void WarnExpiredOverrides(const ManifestLayer& layer, const std::string& today,
                          Diagnostics& diagnostics) {
  const Node* overrides = FindPath(layer.document.root, "governance.policy_overrides");
  if (overrides == nullptr || !overrides->is_list())
    return;
  for (const Node& o : overrides->items) {
    const Node* expires = o.is_map() ? o.Find("expires") : nullptr;
    if (expires == nullptr || !IsCalendarDate(expires->text) || expires->text >= today)
      continue;
    diagnostics.Warning(Code::kExpiredOverride, layer.document.At(expires->mark),
                        "the policy override for `" + o.GetString("pattern") + "` expired on " +
                            expires->text + " and no longer applies",
                        "renew it with a later `expires` date, or remove it");
  }
}

std::string NameOf(const ManifestLayer& layer) {
  const Node* name = FindPath(layer.document.root, "metadata.name");
  return name != nullptr ? name->text : layer.document.path;
}

}  // namespace

const std::vector<StrictnessRule>& NoWeakeningRules() {
  static const std::vector<StrictnessRule> kRules = {
      {"governance.pii_encryption", {"optional", "required"}},
      {"governance.audit_logging", {"disabled", "enabled"}},
      {"governance.policy_enforcement_level", {"off", "warn", "strict"}},
      {"governance.data_retention_days", {}},
      {"governance.naming.enforcement", {"off", "warn", "strict"}},
      {"governance.quality_gates.minimum_test_coverage", {}},
      {"governance.quality_gates.layer_thresholds.bronze", {}},
      {"governance.quality_gates.layer_thresholds.silver", {}},
      {"governance.quality_gates.layer_thresholds.gold", {}},
      {"governance.quality_gates.require_descriptions", {}},
      {"governance.quality_gates.require_column_descriptions", {}},
      {"governance.quality_gates.block_on_failure", {}},
  };
  return kRules;
}

std::string Platform::mode() const {
  if (chain.size() > 1)
    return "mesh";
  return chain.front().scope == "enterprise" ? "centralized" : "simple";
}

bool LoadPlatform(const std::string& manifest_path, const Schema& manifest_schema,
                  Platform& platform, Diagnostics& diagnostics, const Location* named_at) {
  size_t errors_before = diagnostics.error_count();
  std::vector<ManifestLayer> leaf_first;
  std::vector<std::string> seen;  // canonical paths, leaf first
  std::string path = manifest_path;
  std::string ref = manifest_path;
  std::optional<Location> referenced_at;
  if (named_at != nullptr)
    referenced_at = *named_at;
  for (;;) {
    ManifestLayer layer;
    layer.ref = ref;
    if (referenced_at && !FileExists(path)) {
      // Point at the line that names the missing file, not at the file.
      diagnostics.Error(Code::kFileNotFound, *referenced_at,
                        "`" + ref + "` does not exist (looked for " + path + ')',
                        "the path is relative to the file that names it");
      return false;
    }
    if (!LoadDocument(path, DocumentKind::kManifest, manifest_schema, layer.document,
                      diagnostics)) {
      if (layer.document.root.is_null())
        return false;  // unreadable: nothing more to check
      if (layer.document.root.is_map() && layer.document.root.GetString("kind") == kFloeSpecKind) {
        return false;  // a product where a manifest belongs: reported, nothing more to check
      }
    }
    layer.scope = layer.document.root.GetString("scope", "none");
    seen.push_back(CanonicalPath(path));
    const Node::Entry* parent =
        layer.document.root.is_map() ? layer.document.root.FindEntry("parent_manifest") : nullptr;
    leaf_first.push_back(std::move(layer));
    const ManifestLayer& child = leaf_first.back();
    if (parent == nullptr || parent->value.kind != Node::Kind::kString)
      break;
    if (child.scope != "domain")
      break;  // the scope rules already reported it
    const std::string& parent_ref = parent->value.text;
    if (IsOciRef(parent_ref)) {
      diagnostics.Error(
          Code::kRemoteParent, child.document.At(parent->value.mark),
          "`" + parent_ref + "`: this floe reads parent manifests from local files only",
          "pull the parent manifest to a local file and point `parent_manifest` at it");
      return false;
    }
    std::string parent_path = ResolveBeside(child.document.path, parent_ref);
    std::string canonical = CanonicalPath(parent_path);
    auto cycle_at = std::find(seen.begin(), seen.end(), canonical);
    if (cycle_at != seen.end()) {
      std::string cycle;
      for (auto it = cycle_at; it != seen.end(); ++it) {
        cycle += leaf_first[static_cast<size_t>(it - seen.begin())].document.path + " → ";
      }
      cycle += parent_path;
      Diagnostic& d =
          diagnostics.Error(Code::kInheritanceCycle, child.document.At(parent->value.mark),
                            "circular inheritance: " + cycle,
                            "the chain must end at an enterprise manifest without a parent");
      const ManifestLayer& target = leaf_first[static_cast<size_t>(cycle_at - seen.begin())];
      d.notes.push_back({target.document.At(Mark{1, 1}), "this manifest is already in the chain"});
      return false;
    }
    if (leaf_first.size() >= kMaxChain) {
      diagnostics.Error(Code::kChainTooLong, child.document.At(parent->value.mark),
                        "the inheritance chain is longer than 16 manifests",
                        "an enterprise → domain → product chain needs three");
      return false;
    }
    path = parent_path;
    ref = parent_ref;
    referenced_at = child.document.At(parent->value.mark);
  }
  platform.chain.assign(std::make_move_iterator(leaf_first.rbegin()),
                        std::make_move_iterator(leaf_first.rend()));
  for (size_t i = 0; i + 1 < platform.chain.size(); ++i) {
    const ManifestLayer& parent = platform.chain[i];
    const ManifestLayer& child = platform.chain[i + 1];
    if (parent.scope != "enterprise" && parent.scope != "domain") {
      const Node::Entry* ref_entry = child.document.root.FindEntry("parent_manifest");
      Diagnostic& d =
          diagnostics.Error(Code::kParentScope, child.document.At(ref_entry->value.mark),
                            "the parent of a domain manifest must have `scope: enterprise` or "
                            "`scope: domain`, but `" +
                                parent.document.path + "` has `scope: " + parent.scope + "`",
                            "set `scope: enterprise` in the parent manifest");
      const Node::Entry* scope = parent.document.root.FindEntry("scope");
      d.notes.push_back({parent.document.At(scope != nullptr ? scope->key_mark : Mark{1, 1}),
                         "the parent's scope"});
    }
  }
  if (platform.chain.size() > 1 && platform.chain.front().scope != "enterprise" &&
      diagnostics.error_count() == errors_before) {
    const ManifestLayer& root = platform.chain.front();
    diagnostics.Error(Code::kParentScope, root.document.At(Mark{1, 1}),
                      "the root of the inheritance chain `" + root.document.path +
                          "` must have `scope: enterprise`",
                      "set `scope: enterprise` in it");
  }
  CheckNoWeakening(platform.chain, manifest_schema, diagnostics);
  CheckPluginWhitelist(platform.chain, diagnostics);
  std::string today = Today();
  for (const ManifestLayer& layer : platform.chain)
    WarnExpiredOverrides(layer, today, diagnostics);

  platform.merged = MergeLayers(platform.chain, platform.chain.size());
  platform.effective = Materialize(platform.merged, manifest_schema);
  return diagnostics.error_count() == errors_before;
}

void CheckProductAgainstPlatform(const Document& spec, const Platform& platform,
                                 Diagnostics& diagnostics) {
  const Node& root = spec.root;
  if (!root.is_map())
    return;
  // approved_products of the nearest domain.
  for (const ManifestLayer& layer : platform.chain) {
    if (layer.scope != "domain")
      continue;
    const ManifestLayer* domain = &layer;
    const Node* approved = domain->document.root.Find("approved_products");
    const Node* name = FindPath(root, "metadata.name");
    if (approved != nullptr && name != nullptr && !Contains(*approved, name->text)) {
      Diagnostic& d = diagnostics.Error(
          Code::kProductNotApproved, spec.At(name->mark),
          "product `" + name->text + "` is not among the approved products of domain `" +
              NameOf(*domain) + "`",
          "ask the domain's platform team to add it to `approved_products`");
      d.notes.push_back(
          {domain->document.At(domain->document.root.FindEntry("approved_products")->key_mark),
           "the domain's approved products"});
    }
  }
  // Computes named by transforms must be configured (and approved).
  const ManifestLayer* enterprise = Enterprise(platform.chain);
  const Node* approved_compute = nullptr;
  if (enterprise != nullptr) {
    approved_compute = FindPath(enterprise->document.root, "approved_plugins.compute");
  }
  const Node* configured = FindPath(platform.merged, "plugins.compute.type");
  auto check_compute = [&](const Node& compute) {
    if (approved_compute != nullptr && !Contains(*approved_compute, compute.text)) {
      Diagnostic& d =
          diagnostics.Error(Code::kPluginNotApproved, spec.At(compute.mark),
                            "compute `" + compute.text + "` is not in the enterprise whitelist",
                            "approved compute plugins: " + QuotedList(Strings(*approved_compute)));
      const Node::Entry* key =
          FindPath(enterprise->document.root, "approved_plugins")->FindEntry("compute");
      d.notes.push_back(
          {enterprise->document.At(key->key_mark), "the enterprise whitelist is here"});
      return;
    }
    if (configured == nullptr || configured->text != compute.text) {
      std::string have =
          configured == nullptr ? "no compute plugin" : "only `" + configured->text + "`";
      Diagnostic& d = diagnostics.Error(
          Code::kUnknownCompute, spec.At(compute.mark),
          "compute `" + compute.text + "` is not configured by the platform, which has " + have,
          "use a compute the platform configures, or ask for it in the manifest");
      // Point at the manifest of the chain that selects the compute, or at the leaf.
      Location where = platform.leaf().document.At(Mark{1, 1});
      for (const ManifestLayer& layer : platform.chain) {
        if (const Node* type = FindPath(layer.document.root, "plugins.compute.type")) {
          where = layer.document.At(type->mark);
        }
      }
      d.notes.push_back({where, configured == nullptr ? "the platform manifest"
                                                      : "the platform's compute is selected here"});
    }
  };
  if (const Node* transforms = root.Find("transforms")) {
    if (transforms->is_list()) {
      for (const Node& t : transforms->items) {
        if (const Node* c = t.is_map() ? t.Find("compute") : nullptr)
          check_compute(*c);
      }
    } else if (const Node* overrides =
                   transforms->is_map() ? transforms->Find("overrides") : nullptr) {
      for (const Node& o : overrides->items) {
        if (const Node* c = o.is_map() ? o.Find("compute") : nullptr)
          check_compute(*c);
      }
    }
  }
  // Sinks must be approved by the enterprise.
  const Node* sinks =
      enterprise != nullptr ? enterprise->document.root.Find("approved_sinks") : nullptr;
  if (const Node* destinations = root.Find("destinations");
      destinations != nullptr && sinks != nullptr) {
    for (const Node& dest : destinations->items) {
      const Node* sink = dest.is_map() ? dest.Find("sink_type") : nullptr;
      if (sink == nullptr || Contains(*sinks, sink->text))
        continue;
      Diagnostic& d =
          diagnostics.Error(Code::kSinkNotApproved, spec.At(sink->mark),
                            "sink type `" + sink->text + "` is not in the enterprise whitelist",
                            "approved sinks: " + QuotedList(Strings(*sinks)));
      d.notes.push_back(
          {enterprise->document.At(enterprise->document.root.FindEntry("approved_sinks")->key_mark),
           "the enterprise whitelist is here"});
    }
  }
}

}  // namespace floe::config
