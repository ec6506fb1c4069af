// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/php.h"

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
constexpr std::string_view kEcosystem = "Packagist";

// Collects packages (one per distinct name and version; dev only when every occurrence is dev)
// and warnings (capped).
class Sink {
 public:
  explicit Sink(const ParseInput& input)
      : input_(input), where_(input.path.empty() ? "input" : input.path) {}

  const std::string& where() const { return where_; }

  void Warn(const std::string& record, std::string message) {
    if (parsed_.warnings.size() < kMaxWarnings) {
      parsed_.warnings.push_back({where_ + ": " + record, std::move(message)});
    } else {
      ++dropped_;
    }
  }

  void Add(const std::string& name, const std::string& version, bool dev) {
    auto [it, inserted] = index_.try_emplace({name, version}, parsed_.packages.size());
    if (!inserted) {
      model::Package& prev = parsed_.packages[it->second];
      prev.dev = prev.dev && dev;
      return;
    }
    model::Package p;
    p.ecosystem = std::string(kEcosystem);
    p.name = name;
    p.version = version;
    p.purl = internal::LanguagePurl(kEcosystem, p.name, p.version);
    p.path = input_.path;
    p.package_manager = "composer";
    p.dev = dev;
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
  std::string where_;
  Parsed parsed_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
  size_t dropped_ = 0;
};

base::Result<json> ParseJson(const ParseInput& input, std::string_view what) {
  const std::string where = input.path.empty() ? "input" : input.path;
  try {
    return json::parse(input.bytes.begin(), input.bytes.end());
  } catch (const std::exception& e) {
    return base::Status::InvalidArgument(where + ": not a " + std::string(what) + " (" + e.what() +
                                         ")");
  }
}

std::string StringField(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return "";
  return std::string(base::Trim(it->get_ref<const std::string&>()));
}

// One package entry of composer.lock or installed.json.
void AddPackage(Sink& sink, const json& entry, const std::string& record,
                const std::set<std::string>* dev_names, bool dev) {
  if (!entry.is_object()) {
    sink.Warn(record, "package entry is not an object; skipped");
    return;
  }
  std::string name = StringField(entry, "name");
  if (name.empty()) {
    sink.Warn(record, "package without a \"name\"; skipped");
    return;
  }
  std::string version = StringField(entry, "version");
  if (version.empty()) {
    sink.Warn(record, "package " + name + " has no \"version\"; skipped");
    return;
  }
  if (dev_names != nullptr) dev = dev_names->contains(name);
  sink.Add(name, version, dev);
}

// A list of package entries under `key` (absent or null: nothing).
void AddPackages(Sink& sink, const json& list, const std::string& key,
                 const std::set<std::string>* dev_names, bool dev) {
  if (list.is_null()) return;
  if (!list.is_array()) {
    sink.Warn(key, "\"" + key + "\" is not an array; ignored");
    return;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    AddPackage(sink, list[i], key + "[" + std::to_string(i) + "]", dev_names, dev);
  }
}

}  // namespace

base::Result<Parsed> ParseComposerLock(const ParseInput& input) {
  ASSAY_ASSIGN_OR_RETURN(json doc, ParseJson(input, "composer.lock (JSON)"));
  Sink sink(input);
  if (!doc.is_object()) {
    return base::Status::InvalidArgument(sink.where() +
                                         ": not a composer.lock (the top level is not an object)");
  }
  if (!doc.contains("packages") && !doc.contains("packages-dev")) {
    return base::Status::InvalidArgument(
        sink.where() + ": not a composer.lock (neither \"packages\" nor \"packages-dev\")");
  }
  for (const auto& [key, dev] : {std::pair{"packages", false}, std::pair{"packages-dev", true}}) {
    auto it = doc.find(key);
    if (it != doc.end()) AddPackages(sink, *it, key, nullptr, dev);
  }
  return std::move(sink).Finish();
}

base::Result<Parsed> ParseComposerInstalled(const ParseInput& input) {
  ASSAY_ASSIGN_OR_RETURN(json doc, ParseJson(input, "Composer installed.json (JSON)"));
  Sink sink(input);
  if (doc.is_array()) {  // Composer 1: the package list itself, no dev marking
    AddPackages(sink, doc, "packages", nullptr, false);
    return std::move(sink).Finish();
  }
  if (!doc.is_object()) {
    return base::Status::InvalidArgument(
        sink.where() + ": not a Composer installed.json (neither an object nor an array)");
  }
  auto packages = doc.find("packages");
  if (packages == doc.end()) {
    return base::Status::InvalidArgument(sink.where() +
                                         ": not a Composer installed.json (no \"packages\")");
  }
  std::set<std::string> dev_names;
  if (auto it = doc.find("dev-package-names"); it != doc.end() && it->is_array()) {
    for (const json& n : *it) {
      if (n.is_string()) dev_names.insert(n.get<std::string>());
    }
  } else if (it != doc.end() && !it->is_null()) {
    sink.Warn("dev-package-names", "not an array; no package is marked dev");
  }
  AddPackages(sink, *packages, "packages", &dev_names, false);
  return std::move(sink).Finish();
}

}  // namespace assay::inventory
