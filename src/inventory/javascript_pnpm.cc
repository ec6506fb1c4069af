// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// pnpm-lock.yaml, lockfile versions 5 to 9. Every package is a key of `packages`, a dependency
// path whose shape changed over the versions:
//   5.x  /name/1.0.0, /@scope/name/1.0.0_peer@2.0.0, registry.npmjs.org/name/1.0.0
//   6.x  /name@1.0.0, /@scope/name@1.0.0(peer@2.0.0)
//   9.x  name@1.0.0 (peer variants live in `snapshots`, keyed name@1.0.0(peer@2.0.0))
// Tarball, git and directory packages carry `name` and `version` fields, which win over the key.
// Up to 6.x a package says `dev: true` when only devDependencies need it; 9.x dropped the flag,
// so dev-only packages are those reached from the importers' devDependencies alone.
// A file may hold several YAML documents (pnpm 11 writes its own dependencies first): the last
// one is the project's lockfile.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "inventory/javascript.h"
#include "inventory/javascript_internal.h"

namespace assay::inventory {
namespace {

std::string Scalar(const YAML::Node& map, const char* key) {
  if (!map.IsMap()) return "";
  YAML::Node v = map[key];
  return v && v.IsScalar() ? v.Scalar() : "";
}

// The version without pnpm's peer-dependency suffix: "1.0.0_react@18" or "1.0.0(react@18)".
std::string_view StripPeers(std::string_view v) {
  size_t cut = v.find_first_of("_(");
  return cut == std::string_view::npos ? v : v.substr(0, cut);
}

struct PathParts {
  std::string name;
  std::string version;  // may be a URL or a path when the key is not a registry package
  bool ok = false;
};

// "/name/1.0.0" (or "host/name/1.0.0", the host dropped): the last segment is the version.
PathParts ParseSlashPath(std::string_view key) {
  std::string_view path = key;
  if (path.starts_with('/')) {
    path.remove_prefix(1);
  } else {
    size_t slash = path.find('/');
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  }
  std::vector<std::string_view> segs = base::Split(path, '/');
  if (segs.size() < 2) return {};
  PathParts p;
  p.version = std::string(StripPeers(segs.back()));
  std::string_view name = segs[segs.size() - 2];
  if (segs.size() >= 3 && segs[segs.size() - 3].starts_with('@')) {
    p.name = std::string(segs[segs.size() - 3]) + "/" + std::string(name);
  } else {
    p.name = std::string(name);
  }
  p.ok = true;
  return p;
}

// "/name@1.0.0(peer@2)" or "name@1.0.0": valid only when the name part is a package name.
PathParts ParseAtPath(std::string_view key) {
  if (key.starts_with('/')) key.remove_prefix(1);
  js::NameSpec ns = js::SplitNameSpec(key);
  if (!ns.ok) return {};
  size_t slashes = 0;
  for (char c : ns.name) slashes += c == '/';
  if (slashes != (ns.name.starts_with('@') ? 1u : 0u)) return {};
  std::string_view version = ns.spec;
  if (size_t paren = version.find('('); paren != std::string_view::npos) {
    version = version.substr(0, paren);
  }
  return {std::string(ns.name), std::string(version), true};
}

// The package key of a v9 snapshot key: the peer suffix removed.
std::string PackageKeyOf(std::string_view snapshot_key) {
  js::NameSpec ns = js::SplitNameSpec(snapshot_key);
  if (!ns.ok) return std::string(snapshot_key);
  size_t paren = ns.spec.find('(');
  if (paren == std::string_view::npos) return std::string(snapshot_key);
  return std::string(ns.name) + "@" + std::string(ns.spec.substr(0, paren));
}

class PnpmLockParser {
 public:
  PnpmLockParser(const ParseInput& input, const YAML::Node& doc, size_t first_line)
      : input_(input), doc_(doc), first_line_(first_line), out_(input, "pnpm") {}

  base::Result<Parsed> Run() {
    std::string version = Scalar(doc_, "lockfileVersion");
    major_ = 0;
    for (char c : version) {
      if (!base::IsDigit(c) || major_ > 1000) break;
      major_ = major_ * 10 + (c - '0');
    }
    YAML::Node packages = doc_["packages"];
    if (!packages || packages.IsNull()) return out_.Take();
    if (!packages.IsMap()) {
      return base::Status::InvalidArgument(Where(packages) + ": `packages` is not a map");
    }
    if (major_ >= 9) ComputeDevOnly(packages);
    for (auto it = packages.begin(); it != packages.end(); ++it) {
      ASSAY_RETURN_IF_ERROR(AddPackage(it->first, it->second));
    }
    return out_.Take();
  }

 private:
  std::string Where(const YAML::Node& n) const {
    return input_.path + ":" + std::to_string(first_line_ + n.Mark().line + 1);
  }

  base::Status AddPackage(const YAML::Node& key_node, const YAML::Node& entry) {
    if (!key_node.IsScalar()) {
      out_.Warn(Where(key_node), "package key is not a string");
      return base::Status::Ok();
    }
    const std::string& key = key_node.Scalar();
    std::string name = Scalar(entry, "name");
    std::string version = Scalar(entry, "version");
    if (name.empty() || version.empty()) {
      // Up to 5.x a dependency path always has a '/'; from 6.x on "name@version" is enough.
      bool has_slash = key.find('/') != std::string::npos;
      PathParts parts;
      if (major_ != 0 && major_ < 6) {
        if (has_slash) parts = ParseSlashPath(key);
      } else {
        parts = ParseAtPath(key);
        if (!parts.ok && has_slash) parts = ParseSlashPath(key);
      }
      if (!parts.ok && !has_slash) {
        return base::Status::Corruption(Where(key_node) + ": \"" + key +
                                        "\" is not a pnpm dependency path");
      }
      if (!parts.ok) {
        out_.Warn(Where(key_node), "cannot tell the package of \"" + key + "\"");
        return base::Status::Ok();
      }
      if (name.empty()) name = parts.name;
      if (version.empty()) {
        if (!js::IsPlainVersion(parts.version)) {
          out_.Warn(Where(key_node), "no version for \"" + key + "\"");
          return base::Status::Ok();
        }
        version = parts.version;
      }
    }
    if (!js::IsPackageName(name)) {
      out_.Warn(Where(key_node), "not a package name: \"" + name + "\"");
      return base::Status::Ok();
    }
    bool dev = major_ >= 9 ? dev_only_.contains(key) : Scalar(entry, "dev") == "true";
    out_.Add(name, version, dev);
    return base::Status::Ok();
  }

  // 9.x: walks `snapshots` from each importer's dependencies, production and dev separately.
  void ComputeDevOnly(const YAML::Node& packages) {
    YAML::Node importers = doc_["importers"];
    if (!importers || !importers.IsMap()) return;
    YAML::Node snapshots = doc_["snapshots"];
    const YAML::Node& graph = snapshots && snapshots.IsMap() ? snapshots : packages;
    std::unordered_map<std::string, YAML::Node> index;
    for (auto it = graph.begin(); it != graph.end(); ++it) {
      if (it->first.IsScalar()) index.emplace(it->first.Scalar(), it->second);
    }
    std::unordered_set<std::string> prod = Reach(importers, index, false);
    std::unordered_set<std::string> dev = Reach(importers, index, true);
    for (const auto& key : dev) {
      if (!prod.contains(key)) dev_only_.insert(key);
    }
  }

  // Package keys reachable from the importers' devDependencies (`dev`) or other dependencies.
  static std::unordered_set<std::string> Reach(
      const YAML::Node& importers, const std::unordered_map<std::string, YAML::Node>& index,
      bool dev) {
    static const char* kProd[] = {"dependencies", "optionalDependencies"};
    static const char* kDev[] = {"devDependencies"};
    std::unordered_set<std::string> seen;
    std::deque<std::string> queue;
    auto follow = [&](const YAML::Node& holder, const char* field) {
      if (!holder.IsMap()) return;
      YAML::Node deps = holder[field];
      if (!deps || !deps.IsMap()) return;
      for (auto it = deps.begin(); it != deps.end(); ++it) {
        if (!it->first.IsScalar()) continue;
        std::string ref = it->second.IsScalar() ? it->second.Scalar() : Scalar(it->second, "version");
        if (ref.empty() || ref.starts_with("link:")) continue;
        std::string key = it->first.Scalar() + "@" + ref;
        if (!index.contains(key)) key = ref;  // an alias: "string-width@4.2.3"
        if (index.contains(key) && seen.insert(key).second) queue.push_back(key);
      }
    };
    for (auto it = importers.begin(); it != importers.end(); ++it) {
      if (dev) {
        for (const char* f : kDev) follow(it->second, f);
      } else {
        for (const char* f : kProd) follow(it->second, f);
      }
    }
    while (!queue.empty()) {
      std::string key = std::move(queue.front());
      queue.pop_front();
      const YAML::Node& node = index.at(key);
      for (const char* f : kProd) follow(node, f);
    }
    std::unordered_set<std::string> packages;
    for (const auto& key : seen) packages.insert(PackageKeyOf(key));
    return packages;
  }

  const ParseInput& input_;
  const YAML::Node doc_;
  size_t first_line_;  // of the document in the file
  js::PackageList out_;
  int major_ = 0;
  std::unordered_set<std::string> dev_only_;
};

}  // namespace

base::Result<Parsed> ParsePnpmLock(const ParseInput& input) {
  // Documents are split here rather than by YAML::LoadAll, which can loop on malformed input.
  std::vector<std::pair<size_t, std::string_view>> docs;  // (first line, text)
  std::string_view text = input.bytes;
  size_t start = 0;
  size_t start_line = 0;
  size_t line = 0;
  for (size_t pos = 0; pos < text.size(); ++line) {
    size_t eol = std::min(text.find('\n', pos), text.size());
    std::string_view l = text.substr(pos, eol - pos);
    if (pos > start && l.starts_with("---") &&
        (l.size() == 3 || l[3] == ' ' || l[3] == '\r' || l[3] == '\t')) {
      docs.emplace_back(start_line, text.substr(start, pos - start));
      start = pos;
      start_line = line;
    }
    pos = eol + 1;
  }
  docs.emplace_back(start_line, text.substr(start));
  size_t first_line = 0;
  try {
    for (auto it = docs.rbegin(); it != docs.rend(); ++it) {
      first_line = it->first;
      const std::string_view doc_text = it->second;
      YAML::Node doc = YAML::Load(std::string(doc_text));
      if (doc.IsNull()) continue;
      if (!doc.IsMap()) {
        return base::Status::InvalidArgument(input.path + ":" +
                                             std::to_string(first_line + doc.Mark().line + 1) +
                                             ": not a pnpm lockfile (not a YAML map)");
      }
      return PnpmLockParser(input, doc, first_line).Run();
    }
    return Parsed{};
  } catch (const YAML::Exception& e) {
    std::string where = input.path;
    if (!e.mark.is_null()) where += ":" + std::to_string(first_line + e.mark.line + 1);
    return base::Status::InvalidArgument(where + ": not a pnpm lockfile: " + e.msg);
  } catch (const std::exception& e) {
    return base::Status::InvalidArgument(input.path + ": not a pnpm lockfile: " + e.what());
  }
}

}  // namespace assay::inventory
