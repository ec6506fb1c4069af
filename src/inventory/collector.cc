// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/collector.h"

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "inventory/parser.h"

namespace assay::inventory {
namespace {

// One line per collector, in the order they run.
constexpr std::array kCollectors = {
    CollectorEntry{"dpkg", &MakeDpkgCollector},
    CollectorEntry{"apk", &MakeApkCollector},
    CollectorEntry{"rpm", &MakeRpmCollector},
    CollectorEntry{"lang", &MakeLanguageCollector},
};

// Drops development-only packages unless they are wanted.
void FilterDev(std::vector<model::Package>& packages, bool include_dev) {
  if (include_dev) return;
  std::erase_if(packages, [](const model::Package& p) { return p.dev; });
}

std::string KnownCollectorNames() {
  std::string out;
  for (const auto& c : kCollectors) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

auto SortKey(const model::Package& p) {
  return std::tie(p.ecosystem, p.name, p.version, p.path, p.arch, p.source_name, p.source_version,
                  p.purl, p.layer_digest, p.package_manager, p.dev);
}

}  // namespace

std::span<const CollectorEntry> Collectors() { return kCollectors; }

const CollectorEntry* FindCollector(std::string_view name) {
  for (const auto& c : kCollectors) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

void SortPackages(std::vector<model::Package>& packages) {
  std::stable_sort(
      packages.begin(), packages.end(),
      [](const model::Package& a, const model::Package& b) { return SortKey(a) < SortKey(b); });
}

std::string KnownLockfileTypes() {
  std::string out;
  for (const auto& p : Parsers()) {
    if (!out.empty()) out += ", ";
    out += p.type;
  }
  return out;
}

base::Result<model::Inventory> CollectInventory(const Fs& fs, const CollectOptions& options) {
  std::vector<const CollectorEntry*> selected;
  if (options.collectors.empty()) {
    for (const auto& c : kCollectors) selected.push_back(&c);
  } else {
    for (const auto& c : kCollectors) {
      bool wanted = std::find(options.collectors.begin(), options.collectors.end(), c.name) !=
                    options.collectors.end();
      if (wanted) selected.push_back(&c);
    }
    for (const auto& name : options.collectors) {
      if (FindCollector(name) == nullptr) {
        return base::Status::InvalidArgument("unknown collector '" + name +
                                             "' (known: " + KnownCollectorNames() + ")");
      }
    }
  }

  base::Result<FileInfo> root = fs.StatResolved("");
  if (!root.ok()) return root.status().WithContext(fs.Describe());
  if (root->type != FileType::kDirectory) {
    return base::Status::InvalidArgument(fs.Describe() + ": the root is not a directory");
  }

  model::Inventory inv;
  inv.os = DetectOs(fs, inv.warnings);
  for (const CollectorEntry* entry : selected) {
    std::unique_ptr<Collector> collector = entry->make(options);
    base::Status s = collector->Collect(fs, inv.os, inv);
    if (!s.ok()) {
      inv.warnings.push_back(
          {"", "collector " + std::string(entry->name) + " failed: " + s.ToString()});
    }
    inv.collectors.push_back(std::string(collector->Name()) + "@" +
                             std::to_string(collector->Version()));
  }
  FilterDev(inv.packages, options.include_dev);
  SortPackages(inv.packages);
  return inv;
}

base::Result<model::Inventory> CollectLockfile(std::string_view type, std::string_view bytes,
                                               std::string path, bool include_dev,
                                               const SiblingFiles* siblings) {
  const ParserEntry* parser = FindParser(type);
  if (parser == nullptr) {
    return base::Status::NotFound("unknown lockfile type '" + std::string(type) +
                                  "' (known: " + KnownLockfileTypes() + ")");
  }
  std::string shown = path;
  base::Result<Parsed> parsed = parser->parse({bytes, std::move(path), "", siblings});
  if (!parsed.ok()) return parsed.status().WithContext(shown);

  model::Inventory inv;
  inv.packages = std::move(parsed->packages);
  for (auto& w : parsed->warnings) {
    inv.warnings.push_back({std::move(w.location), std::move(w.message)});
  }
  inv.collectors.push_back(std::string(parser->type) + "@" + std::to_string(parser->version));
  FilterDev(inv.packages, include_dev);
  SortPackages(inv.packages);
  return inv;
}

}  // namespace assay::inventory
