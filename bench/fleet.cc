// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "fleet.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "base/file.h"
#include "inventory/collector.h"
#include "inventory/fs.h"

namespace assay::bench {
namespace {

namespace fs = std::filesystem;

constexpr double kDropRate = 0.01;
constexpr double kBumpRate = 0.03;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench fleet: %s\n", what.c_str());
  std::exit(1);
}

// The conformance formats used for lockfiles, with the parser type each goes through.
constexpr std::pair<const char*, const char*> kLockfileFormats[] = {
    {"requirements_txt.jsonl", "requirements-txt"}, {"poetry_lock.jsonl", "poetry-lock"},
    {"pipfile_lock.jsonl", "pipfile-lock"},         {"pdm_lock.jsonl", "pdm-lock"},
    {"uv_lock.jsonl", "uv-lock"},                   {"package_lock_json.jsonl", "package-lock-json"},
    {"yarn_lock.jsonl", "yarn-lock"},               {"pnpm_lock_yaml.jsonl", "pnpm-lock"},
    {"bun_lock.jsonl", "bun-lock"},                 {"go_mod.jsonl", "go-mod"},
    {"go_sum.jsonl", "go-sum"},                     {"cargo_lock.jsonl", "cargo-lock"},
    {"gemfile_lock.jsonl", "gemfile-lock"},         {"composer_lock.jsonl", "composer-lock"},
    {"packages_lock_json.jsonl", "nuget-lock"},     {"pom_xml.jsonl", "pom-xml"},
    {"gradle_lockfile.jsonl", "gradle-lockfile"},
};

bool IsOsPackage(const model::Package& p) {
  return p.package_manager == "dpkg" || p.package_manager == "apk" || p.package_manager == "rpm";
}

// The version a package has after the k-th update (k = 1..3) that a fleet would carry: a Debian
// point or security release ("+deb10u1"), an Ubuntu ESM update ("+esm1"), an Alpine rebuild
// ("-r4" -> "-r5"). Other packages keep their version (empty result).
std::string Bumped(const model::Package& p, const model::OsInfo& os, int k) {
  const std::string& v = p.version;
  if (v.empty()) return "";
  if (p.package_manager == "dpkg") {
    if (os.id == "ubuntu") return v + "+esm" + std::to_string(k);
    std::string major = os.version_id.substr(0, os.version_id.find('.'));
    return v + "+deb" + (major.empty() ? "0" : major) + "u" + std::to_string(k);
  }
  if (p.package_manager == "apk") {
    size_t r = v.rfind("-r");
    if (r != std::string::npos) {
      long n = std::strtol(v.c_str() + r + 2, nullptr, 10);
      return v.substr(0, r) + "-r" + std::to_string(n + k);
    }
    return v + "-r" + std::to_string(k);
  }
  return "";
}

void SetVersion(model::Package& p, const std::string& nv) {
  const std::string old = p.version;
  if (!p.source_version.empty() && p.source_version == old) {
    p.source_version = nv;
  } else if (!p.source_version.empty()) {
    p.source_version += nv.substr(std::min(old.size(), nv.size()));
  }
  size_t at = p.purl.find("@" + old);
  if (at != std::string::npos) p.purl.replace(at + 1, old.size(), nv);
  p.version = nv;
}

void AddConformanceLockfiles(const fs::path& conformance, Pools& pools) {
  const fs::path parsers = conformance / "parsers";
  if (conformance.empty() || !fs::is_directory(parsers)) return;
  std::set<std::string> seen;
  for (const auto& [file, type] : kLockfileFormats) {
    std::ifstream in(parsers / file);
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_object() || j.contains("expected_error") || j.contains("peer_options") ||
          j.contains("peer_nondefault_config") || !j.contains("fixture")) {
        continue;
      }
      const std::string fixture = j["fixture"].get<std::string>();
      if (!seen.insert(fixture).second) continue;
      auto bytes = base::ReadFile(parsers / fixture);
      if (!bytes.ok()) continue;
      const std::string path = fs::path(fixture).filename().string();
      auto inv = inventory::CollectLockfile(type, *bytes, path);
      if (!inv.ok() || inv->packages.size() < 3) continue;
      inv->warnings.clear();
      pools.lockfiles.push_back({fixture, std::move(*inv)});
    }
  }
}

}  // namespace

Pools LoadPools(const fs::path& data, const fs::path& conformance) {
  Pools pools;
  const fs::path targets = data / "scan-targets";
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(targets, ec)) {
    if (e.is_directory()) dirs.push_back(e.path());
  }
  if (ec || dirs.empty()) Die("no scan targets in " + targets.string());
  std::sort(dirs.begin(), dirs.end());
  for (const fs::path& dir : dirs) {
    auto root = inventory::OpenDirFs(dir);
    if (!root.ok()) Die("open " + dir.string() + ": " + root.status().ToString());
    auto collected = inventory::CollectInventory(**root, {});
    if (!collected.ok()) Die("collect " + dir.string() + ": " + collected.status().ToString());
    model::Inventory inv = std::move(*collected);
    inv.warnings.clear();
    const auto os_packages = std::count_if(inv.packages.begin(), inv.packages.end(), IsOsPackage);
    if (!inv.os.ecosystem.empty() && os_packages > 0) {
      // A fixture holding a package or two is a parser test, not a system.
      if (os_packages >= 10) pools.bases.push_back({dir.filename().string(), std::move(inv)});
    } else if (!inv.packages.empty()) {
      pools.lockfiles.push_back({dir.filename().string(), std::move(inv)});
    }
  }
  AddConformanceLockfiles(conformance, pools);
  if (pools.bases.empty()) Die("no OS package databases in " + targets.string());
  return pools;
}

FleetResource Fleet::Make(std::int64_t i) const {
  Rng rng(seed * 0x2545F4914F6CDD1DULL + static_cast<std::uint64_t>(i));
  rng.Next();
  FleetResource out;
  out.base = rng.Below(pools.bases.size());
  const Named& base = pools.bases[out.base];
  model::Inventory& inv = out.inv;
  inv.os = base.inv.os;
  inv.collectors = base.inv.collectors;
  inv.packages.reserve(base.inv.packages.size() + 64);
  for (const model::Package& p : base.inv.packages) {
    const double u = rng.Unit();
    if (u < kDropRate) continue;
    inv.packages.push_back(p);
    if (u < kDropRate + kBumpRate) {
      std::string nv = Bumped(p, inv.os, 1 + static_cast<int>(rng.Below(3)));
      if (!nv.empty()) SetVersion(inv.packages.back(), nv);
    }
  }
  const int apps = static_cast<int>(rng.Below(4));
  for (int a = 0; a < apps && !pools.lockfiles.empty(); ++a) {
    out.lockfiles.push_back(rng.Below(pools.lockfiles.size()));
    const Named& lf = pools.lockfiles[out.lockfiles.back()];
    const std::string dir = "srv/app" + std::to_string(a) + "/";
    for (const model::Package& p : lf.inv.packages) {
      inv.packages.push_back(p);
      inv.packages.back().path = dir + p.path;
    }
    for (const auto& c : lf.inv.collectors) {
      if (std::find(inv.collectors.begin(), inv.collectors.end(), c) == inv.collectors.end()) {
        inv.collectors.push_back(c);
      }
    }
  }
  findings::ResourceInput& r = out.input;
  r.account_id = account;
  char id[32];
  std::snprintf(id, sizeof id, "host:fleet-%07" PRId64, i);
  r.id = id;
  r.type = "host";
  r.name = r.id.substr(5);
  r.tags = {{"base", base.name}, {"env", i % 10 == 0 ? "staging" : "production"}};
  return out;
}

}  // namespace assay::bench
