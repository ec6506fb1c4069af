// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/dotnet.h"

#include <cstdint>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

#include "base/strings.h"
#include "inventory/internal/purl.h"

namespace assay::inventory {
namespace {

using nlohmann::json;

constexpr size_t kMaxWarnings = 100;
constexpr std::string_view kEcosystem = "NuGet";
// The .NET SDK names the runtime bundled into a self-contained app "runtimepack.<pack id>".
constexpr std::string_view kRuntimePackPrefix = "runtimepack.";

// Collects packages (one per distinct name and version) and warnings (capped).
class Sink {
 public:
  Sink(const ParseInput& input, std::string_view manager)
      : input_(input), manager_(manager), where_(input.path.empty() ? "input" : input.path) {}

  const std::string& where() const { return where_; }

  void Warn(const std::string& record, std::string message) {
    if (parsed_.warnings.size() < kMaxWarnings) {
      parsed_.warnings.push_back({where_ + ": " + record, std::move(message)});
    } else {
      ++dropped_;
    }
  }

  void Add(std::string_view name, std::string_view version) {
    if (!seen_.emplace(std::string(name), std::string(version)).second) return;
    model::Package p;
    p.ecosystem = std::string(kEcosystem);
    p.name = std::string(name);
    p.version = std::string(version);
    p.purl = internal::LanguagePurl(kEcosystem, p.name, p.version);
    p.path = input_.path;
    p.package_manager = std::string(manager_);
    parsed_.packages.push_back(std::move(p));
  }

  Parsed Finish() && {
    if (dropped_ > 0) {
      parsed_.warnings.push_back({where_, std::to_string(dropped_) + " more warnings not listed"});
    }
    return std::move(parsed_);
  }

 private:
  const ParseInput& input_;
  std::string_view manager_;
  std::string where_;
  Parsed parsed_;
  std::set<std::pair<std::string, std::string>> seen_;
  size_t dropped_ = 0;
};

base::Result<json> ParseJsonObject(const ParseInput& input, std::string_view what) {
  const std::string where = input.path.empty() ? "input" : input.path;
  json doc;
  try {
    doc = json::parse(input.bytes.begin(), input.bytes.end());
  } catch (const std::exception& e) {
    return base::Status::InvalidArgument(where + ": not a " + std::string(what) + " (" + e.what() +
                                         ")");
  }
  if (!doc.is_object()) {
    return base::Status::InvalidArgument(where + ": not a " + std::string(what) +
                                         " (the top level is not an object)");
  }
  return doc;
}

std::string StringField(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return "";
  return std::string(base::Trim(it->get_ref<const std::string&>()));
}

bool HasSpace(std::string_view s) {
  for (char c : s) {
    if (base::IsSpace(c)) return true;
  }
  return false;
}

// "Name/1.2.3" -> ("Name", "1.2.3") with the runtime pack prefix removed from the name.
std::pair<std::string_view, std::string_view> SplitLibraryKey(std::string_view key) {
  size_t slash = key.find('/');
  if (slash == std::string_view::npos) return {key, {}};
  std::string_view name = key.substr(0, slash);
  if (name.starts_with(kRuntimePackPrefix) && name.size() > kRuntimePackPrefix.size()) {
    name.remove_prefix(kRuntimePackPrefix.size());
  }
  return {name, key.substr(slash + 1)};
}

// A target entry ships files at run time when it has a runtime, runtimeTargets or native list.
bool HasRuntimeAssets(const json& target_entry) {
  if (!target_entry.is_object()) return false;
  for (const char* key : {"runtime", "runtimeTargets", "native"}) {
    auto it = target_entry.find(key);
    if (it != target_entry.end() && !it->is_null()) return true;
  }
  return false;
}

}  // namespace

base::Result<Parsed> ParseNugetLock(const ParseInput& input) {
  ASSAY_ASSIGN_OR_RETURN(json doc, ParseJsonObject(input, "packages.lock.json (JSON)"));
  Sink sink(input, "nuget");
  auto version = doc.find("version");
  if (version == doc.end()) {
    sink.Warn("version", "no lock file \"version\"; read as version 1");
  } else if (!version->is_number_integer() ||
             (version->get<int64_t>() != 1 && version->get<int64_t>() != 2)) {
    std::string shown = version->is_number_integer() ? std::to_string(version->get<int64_t>())
                                                     : std::string(version->type_name());
    return base::Status::NotSupported(sink.where() + ": unsupported packages.lock.json version " +
                                      shown);
  }
  auto deps = doc.find("dependencies");
  if (deps == doc.end() || deps->is_null()) return std::move(sink).Finish();
  if (!deps->is_object()) {
    return base::Status::InvalidArgument(sink.where() +
                                         ": \"dependencies\" is not an object of frameworks");
  }
  for (const auto& [framework, packages] : deps->items()) {
    if (!packages.is_object()) {
      sink.Warn("dependencies." + framework, "not an object of packages; skipped");
      continue;
    }
    for (const auto& [name, entry] : packages.items()) {
      const std::string record = "dependencies." + framework + "." + name;
      if (!entry.is_object()) {
        sink.Warn(record, "package entry is not an object; skipped");
        continue;
      }
      // Project references are the solution's own projects, not NuGet packages.
      if (base::EqualsIgnoreCase(StringField(entry, "type"), "Project")) continue;
      std::string resolved = StringField(entry, "resolved");
      if (base::Trim(name).empty() || HasSpace(name)) {
        sink.Warn(record, "invalid package name; skipped");
        continue;
      }
      if (resolved.empty() || HasSpace(resolved)) {
        sink.Warn(record, "package " + name + " has no usable \"resolved\" version; skipped");
        continue;
      }
      sink.Add(name, resolved);
    }
  }
  return std::move(sink).Finish();
}

base::Result<Parsed> ParseDepsJson(const ParseInput& input) {
  ASSAY_ASSIGN_OR_RETURN(json doc, ParseJsonObject(input, ".deps.json (JSON)"));
  Sink sink(input, "dotnet");
  auto libraries = doc.find("libraries");
  if (libraries == doc.end() || libraries->is_null()) {
    if (!doc.contains("targets") && !doc.contains("runtimeTarget")) {
      return base::Status::InvalidArgument(
          sink.where() + ": not a .deps.json (no \"libraries\", \"targets\" or \"runtimeTarget\")");
    }
    return std::move(sink).Finish();
  }
  if (!libraries->is_object()) {
    return base::Status::InvalidArgument(sink.where() + ": \"libraries\" is not an object");
  }

  // The entries of the runtime target ("targets"[runtimeTarget.name]), keyed by name/version
  // with the runtime pack prefix removed. When that target is listed, libraries it carries
  // without run-time assets (compile-time reference packs, meta-packages) are left out;
  // libraries it does not mention are kept.
  const json* target = nullptr;
  if (auto rt = doc.find("runtimeTarget"); rt != doc.end() && rt->is_object()) {
    std::string target_name = StringField(*rt, "name");
    if (auto targets = doc.find("targets"); targets != doc.end() && targets->is_object()) {
      if (auto t = targets->find(target_name); t != targets->end() && t->is_object()) {
        target = &*t;
      }
    }
  }
  std::map<std::pair<std::string_view, std::string_view>, const json*> target_entries;
  if (target != nullptr) {
    for (const auto& [key, entry] : target->items()) {
      target_entries.emplace(SplitLibraryKey(key), &entry);
    }
  }

  for (const auto& [key, lib] : libraries->items()) {
    const std::string record = "libraries." + key;
    if (!lib.is_object()) {
      sink.Warn(record, "library entry is not an object; skipped");
      continue;
    }
    std::string type = StringField(lib, "type");
    // "reference" and other types are framework assemblies, not NuGet packages.
    if (!base::EqualsIgnoreCase(type, "package") && !base::EqualsIgnoreCase(type, "project") &&
        !base::EqualsIgnoreCase(type, "runtimepack")) {
      continue;
    }
    auto [name, version] = SplitLibraryKey(key);
    name = base::Trim(name);
    version = base::Trim(version);
    if (name.empty() || version.empty() || HasSpace(name) || HasSpace(version)) {
      sink.Warn(record, "library key is not \"Name/Version\"; skipped");
      continue;
    }
    if (target != nullptr) {
      auto it = target_entries.find({name, version});
      if (it != target_entries.end() && !HasRuntimeAssets(*it->second)) continue;
    }
    sink.Add(name, version);
  }
  return std::move(sink).Finish();
}

}  // namespace assay::inventory
