// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// npm's package-lock.json (v1 nested `dependencies`, v2/v3 flat `packages`), an installed
// package.json, bun.lock, and the helpers the JavaScript parsers share. yarn.lock is in
// javascript_yarn.cc, pnpm-lock.yaml in javascript_pnpm.cc.
#include "inventory/javascript.h"

#include <nlohmann/json.hpp>

#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "inventory/internal/purl.h"
#include "inventory/javascript_internal.h"

namespace assay::inventory {
namespace js {

void PackageList::Add(std::string_view name, std::string_view version, bool dev,
                      std::string_view source) {
  auto key = std::make_tuple(std::string(name), std::string(version), std::string(source));
  if (auto it = index_.find(key); it != index_.end()) {
    model::Package& seen = parsed_.packages[it->second];
    seen.dev = seen.dev && dev;
    return;
  }
  model::Package p;
  p.ecosystem = "npm";
  p.name = std::string(name);
  p.version = std::string(version);
  p.purl = internal::LanguagePurl("npm", name, version);
  p.path = input_.path;
  p.package_manager = package_manager_;
  p.dev = dev;
  index_.emplace(std::move(key), parsed_.packages.size());
  parsed_.packages.push_back(std::move(p));
}

void PackageList::Warn(std::string location, std::string message) {
  if (parsed_.warnings.size() >= kMaxWarnings) {
    ++dropped_warnings_;
    return;
  }
  parsed_.warnings.push_back({std::move(location), std::move(message)});
}

Parsed PackageList::Take() {
  if (dropped_warnings_ > 0) {
    parsed_.warnings.push_back(
        {input_.path, std::to_string(dropped_warnings_) + " more warnings not shown"});
    dropped_warnings_ = 0;
  }
  return std::move(parsed_);
}

NameSpec SplitNameSpec(std::string_view s) {
  size_t at = s.find('@', 1);
  if (s.empty() || at == std::string_view::npos) return {s, {}, false};
  return {s.substr(0, at), s.substr(at + 1), true};
}

bool IsPlainVersion(std::string_view v) {
  if (v.empty() || !base::IsDigit(v[0])) return false;
  for (char c : v) {
    if (!base::IsAlnum(c) && c != '.' && c != '-' && c != '+') return false;
  }
  return true;
}

bool IsPackageName(std::string_view name) {
  if (name.empty() || name.size() > 512 || name[0] == '.') return false;
  for (char c : name) {
    if (base::IsSpace(c) || c == '"' || c == '\'' || static_cast<unsigned char>(c) < 0x20) {
      return false;
    }
  }
  if (name[0] == '@') {
    size_t slash = name.find('/');
    return slash != std::string_view::npos && slash > 1 && slash + 1 < name.size();
  }
  return true;
}

}  // namespace js

namespace {

using nlohmann::json;

// Parses JSON text; the error names the file and the position nlohmann reports.
base::Result<json> ParseJson(std::string_view bytes, const std::string& path, const char* what) {
  try {
    return json::parse(bytes.begin(), bytes.end());
  } catch (const json::exception& e) {
    return base::Status::InvalidArgument(path + ": not a " + what + ": " + e.what());
  }
}

std::string StrField(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

bool TrueField(const json& obj, const char* key) {
  if (!obj.is_object()) return false;
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

// The fragment of a git or tarball reference ("...git#3b1bb80") that tells builds apart.
std::string_view SourceOf(std::string_view resolved) {
  size_t hash = resolved.rfind('#');
  return hash == std::string_view::npos ? std::string_view{} : resolved.substr(hash + 1);
}

// ---- package-lock.json ---------------------------------------------------------------------

// Nesting deeper than this in a v1 lockfile is not something npm writes.
constexpr int kMaxLockDepth = 200;

// lockfileVersion 1: `dependencies` maps each name to {version, dev, dependencies: {...}}.
// Locations name the key and its nesting level (not the whole chain, which could make them
// quadratic in size).
void WalkV1(const json& deps, const std::string& path, int depth, js::PackageList& out) {
  if (!deps.is_object()) return;
  if (depth > kMaxLockDepth) {
    out.Warn(path, "dependencies nested deeper than " + std::to_string(kMaxLockDepth) +
                       " levels; the rest is ignored");
    return;
  }
  for (const auto& [key, entry] : deps.items()) {
    std::string location = path + ": dependencies[\"" + key + "\"]";
    if (depth > 0) location += " (nesting level " + std::to_string(depth) + ")";
    if (!entry.is_object()) {
      out.Warn(location, "entry is not an object");
      continue;
    }
    std::string name = key;
    std::string version = StrField(entry, "version");
    if (version.starts_with("npm:")) {  // an alias: "npm:string-width@4.2.0"
      js::NameSpec ns = js::SplitNameSpec(std::string_view(version).substr(4));
      if (ns.ok) {
        name = std::string(ns.name);
        version = std::string(ns.spec);
      }
    }
    if (!js::IsPackageName(name)) {
      out.Warn(location, "not a package name: \"" + name + "\"");
    } else if (version.empty()) {
      out.Warn(location, "no version");
    } else if (!js::IsPlainVersion(version)) {
      out.Warn(location, "no registry version (" + version + ")");
    } else {
      std::string resolved = StrField(entry, "resolved");
      out.Add(name, version, TrueField(entry, "dev"), SourceOf(resolved));
    }
    if (auto nested = entry.find("dependencies"); nested != entry.end()) {
      WalkV1(*nested, path, depth + 1, out);
    }
  }
}

// lockfileVersion 2 and 3: `packages` maps install paths ("node_modules/a/node_modules/@s/b")
// to entries. The root ("") is the project itself. A folder outside node_modules (a workspace,
// a `file:` dependency) reaches the list through the `node_modules/<name>` link to it, under the
// link's name; a folder nothing links to is named by its `name` field or its last path segment.
void WalkPackages(const json& packages, const std::string& path, js::PackageList& out) {
  static constexpr std::string_view kNodeModules = "node_modules/";
  std::set<std::string> link_targets;
  for (const auto& [key, entry] : packages.items()) {
    if (TrueField(entry, "link")) link_targets.insert(StrField(entry, "resolved"));
  }
  for (const auto& [key, entry] : packages.items()) {
    if (key.empty()) continue;
    std::string location = path + ": packages[\"" + key + "\"]";
    if (!entry.is_object()) {
      out.Warn(location, "entry is not an object");
      continue;
    }
    size_t nm = key.rfind(kNodeModules);
    std::string name;
    if (nm == std::string::npos || (nm != 0 && key[nm - 1] != '/')) {
      if (link_targets.contains(key)) continue;
      name = key.substr(key.rfind('/') + 1);  // npos + 1 == 0
    } else {
      name = key.substr(nm + kNodeModules.size());
    }
    const json* source = &entry;
    if (TrueField(entry, "link")) {
      std::string target = StrField(entry, "resolved");
      auto it = packages.find(target);
      if (target.empty() || it == packages.end() || !it->is_object()) {
        out.Warn(location, "link to \"" + target + "\", which the lockfile does not list");
        continue;
      }
      source = &*it;
    } else if (std::string alias = StrField(entry, "name"); !alias.empty()) {
      name = alias;  // "node_modules/string-width-cjs": {"name": "string-width", ...}
    }
    if (!js::IsPackageName(name)) {
      out.Warn(location, "not a package name: \"" + name + "\"");
      continue;
    }
    std::string version = StrField(*source, "version");
    if (version.empty()) {
      out.Warn(location, "no version");
      continue;
    }
    // `devOptional` packages are optional dependencies of production code too: not dev-only.
    out.Add(name, version, TrueField(entry, "dev"), SourceOf(StrField(entry, "resolved")));
  }
}

// ---- bun.lock ------------------------------------------------------------------------------

// bun.lock is JSON with comments and trailing commas: both are removed (outside strings).
base::Result<std::string> StripJsonc(std::string_view in, const std::string& path) {
  std::string out;
  out.reserve(in.size());
  bool pending_comma = false;
  size_t i = 0;
  while (i < in.size()) {
    char c = in[i];
    if (c == '/' && i + 1 < in.size() && in[i + 1] == '/') {
      while (i < in.size() && in[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < in.size() && in[i + 1] == '*') {
      size_t end = in.find("*/", i + 2);
      if (end == std::string_view::npos) {
        return base::Status::InvalidArgument(path + ": unterminated comment at byte " +
                                             std::to_string(i));
      }
      i = end + 2;
      out.push_back(' ');
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (pending_comma) {
      if (c != '}' && c != ']') out.push_back(',');
      pending_comma = false;
    }
    if (c == ',') {
      pending_comma = true;
      ++i;
      continue;
    }
    if (c == '"') {
      size_t j = i + 1;
      while (j < in.size() && in[j] != '"') j += in[j] == '\\' ? 2 : 1;
      j = std::min(j + 1, in.size());
      out.append(in.substr(i, j - i));
      i = j;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  if (pending_comma) out.push_back(',');
  return out;
}

// The first object in a bun package tuple: its dependency lists.
const json* TupleMeta(const json& tuple) {
  for (size_t i = 1; i < tuple.size(); ++i) {
    if (tuple[i].is_object()) return &tuple[i];
  }
  return nullptr;
}

// The `packages` key a dependency `dep` of the entry at `from` resolves to: bun nests a
// conflicting version under its dependent's key ("supports-color-old/has-flag"), so the lookup
// walks from the dependent's key up to the top level, as node's module resolution does.
const std::string* ResolveBunKey(const json& packages, std::string from, const std::string& dep) {
  if (from.size() > 1024) from.clear();  // no real key is that deep: keep lookups cheap
  for (int level = 0; level < 64; ++level) {
    std::string candidate = from.empty() ? dep : from + "/" + dep;
    if (auto it = packages.find(candidate); it != packages.end()) return &it.key();
    if (from.empty()) return nullptr;
    size_t slash = from.rfind('/');
    if (slash != std::string::npos && slash > 0) {
      size_t scope = from.rfind('/', slash - 1);
      size_t seg = scope == std::string::npos ? 0 : scope + 1;
      if (from[seg] == '@') slash = scope;  // "a/@scope/name": drop both segments
    }
    from = slash == std::string::npos ? "" : from.substr(0, slash);
  }
  return nullptr;
}

// The `packages` keys reachable from the workspaces' production dependencies, or with `dev`
// set, from their devDependencies.
std::set<std::string> BunReachable(const json& workspaces, const json& packages, bool dev) {
  static const char* kProd[] = {"dependencies", "optionalDependencies", "peerDependencies"};
  static const char* kDev[] = {"devDependencies"};
  std::set<std::string> seen;
  std::deque<std::string> queue;
  auto visit = [&](const json& meta, const char* field, const std::string& from) {
    auto deps = meta.find(field);
    if (deps == meta.end() || !deps->is_object()) return;
    for (const auto& [dep, spec] : deps->items()) {
      const std::string* key = ResolveBunKey(packages, from, dep);
      if (key != nullptr && seen.insert(*key).second) queue.push_back(*key);
    }
  };
  if (workspaces.is_object()) {
    for (const auto& [ws_path, ws] : workspaces.items()) {
      if (!ws.is_object()) continue;
      std::string ws_name = StrField(ws, "name");
      std::string from = ws_path.empty() ? "" : ws_name;
      if (dev) {
        for (const char* f : kDev) visit(ws, f, from);
      } else {
        for (const char* f : kProd) visit(ws, f, from);
      }
    }
  }
  while (!queue.empty()) {
    std::string key = std::move(queue.front());
    queue.pop_front();
    auto tuple = packages.find(key);
    if (tuple == packages.end() || !tuple->is_array()) continue;
    const json* meta = TupleMeta(*tuple);
    if (meta == nullptr) continue;
    for (const char* f : kProd) visit(*meta, f, key);
  }
  return seen;
}

}  // namespace

base::Result<Parsed> ParsePackageLockJson(const ParseInput& input) {
  ASSAY_ASSIGN_OR_RETURN(json root, ParseJson(input.bytes, input.path, "package-lock.json"));
  if (!root.is_object()) {
    return base::Status::InvalidArgument(input.path + ": not a package-lock.json (" +
                                         root.type_name() + " at the top level)");
  }
  js::PackageList out(input, "npm");
  auto packages = root.find("packages");
  if (packages != root.end() && packages->is_object() && !packages->empty()) {
    WalkPackages(*packages, input.path, out);
  } else if (auto deps = root.find("dependencies"); deps != root.end()) {
    WalkV1(*deps, input.path, 0, out);
  }
  return out.Take();
}

base::Result<Parsed> ParsePackageJson(const ParseInput& input) {
  ASSAY_ASSIGN_OR_RETURN(json root, ParseJson(input.bytes, input.path, "package.json"));
  std::string name = StrField(root, "name");
  std::string version = StrField(root, "version");
  if (name.empty() || version.empty()) {
    return base::Status::NotSupported(input.path +
                                      ": not an installed package (no name and version)");
  }
  Parsed parsed;
  if (!js::IsPackageName(name)) {
    parsed.warnings.push_back({input.path, "not a package name: \"" + name + "\""});
    return parsed;
  }
  js::PackageList out(input, "npm");
  out.Add(name, version, /*dev=*/false);
  return out.Take();
}

base::Result<Parsed> ParseBunLock(const ParseInput& input) {
  ASSAY_ASSIGN_OR_RETURN(std::string text, StripJsonc(input.bytes, input.path));
  ASSAY_ASSIGN_OR_RETURN(json root, ParseJson(text, input.path, "bun.lock"));
  if (!root.is_object()) {
    return base::Status::InvalidArgument(input.path + ": not a bun.lock (" + root.type_name() +
                                         " at the top level)");
  }
  if (auto v = root.find("lockfileVersion"); v != root.end() && !v->is_number_integer()) {
    return base::Status::InvalidArgument(input.path + ": lockfileVersion is not a number");
  }
  js::PackageList out(input, "bun");
  auto packages = root.find("packages");
  if (packages == root.end() || !packages->is_object()) return out.Take();
  static const json kNoWorkspaces = json::object();
  auto ws_it = root.find("workspaces");
  const json& workspaces = ws_it != root.end() ? *ws_it : kNoWorkspaces;

  // A tuple whose first element is not "name@spec" means the file is not what bun writes.
  for (const auto& [key, tuple] : packages->items()) {
    if (!tuple.is_array() || tuple.empty() || !tuple[0].is_string()) {
      return base::Status::Corruption(input.path + ": packages[\"" + key +
                                      "\"] is not a [\"name@version\", ...] tuple");
    }
  }
  std::set<std::string> prod = BunReachable(workspaces, *packages, /*dev=*/false);
  std::set<std::string> dev = BunReachable(workspaces, *packages, /*dev=*/true);

  for (const auto& [key, tuple] : packages->items()) {
    std::string location = input.path + ": packages[\"" + key + "\"]";
    std::string ident = tuple[0].get<std::string>();
    js::NameSpec ns = js::SplitNameSpec(ident);
    if (!ns.ok || !js::IsPackageName(ns.name)) {
      out.Warn(location, "not a \"name@version\" reference: \"" + ident + "\"");
      continue;
    }
    std::string version;
    if (js::IsPlainVersion(ns.spec)) {
      version = std::string(ns.spec);
    } else if (ns.spec.starts_with("workspace:")) {
      std::string ws_path(ns.spec.substr(10));
      if (workspaces.is_object()) {
        if (auto ws = workspaces.find(ws_path); ws != workspaces.end()) {
          version = StrField(*ws, "version");
        }
      }
      if (version.empty()) {
        out.Warn(location, "workspace \"" + ws_path + "\" has no version");
        continue;
      }
    } else {
      out.Warn(location, "no registry version (" + std::string(ns.spec) + ")");
      continue;
    }
    bool is_dev = dev.contains(key) && !prod.contains(key);
    out.Add(ns.name, version, is_dev);
  }
  return out.Take();
}

}  // namespace assay::inventory
