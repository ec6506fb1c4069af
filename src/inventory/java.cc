// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// gradle.lockfile. The archive parser is in java_archive.cc, the POM parser in java_pom.cc.
#include "inventory/java.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "inventory/internal/purl.h"

namespace assay::inventory {
namespace {

constexpr size_t kMaxWarnings = 100;

// One coordinate `group:artifact:version` split in three non-empty parts, or false.
bool SplitCoordinate(std::string_view coordinate, std::string_view parts[3]) {
  size_t first = coordinate.find(':');
  if (first == std::string_view::npos) return false;
  size_t second = coordinate.find(':', first + 1);
  if (second == std::string_view::npos) return false;
  if (coordinate.find(':', second + 1) != std::string_view::npos) return false;
  parts[0] = base::Trim(coordinate.substr(0, first));
  parts[1] = base::Trim(coordinate.substr(first + 1, second - first - 1));
  parts[2] = base::Trim(coordinate.substr(second + 1));
  for (int i = 0; i < 3; ++i) {
    if (parts[i].empty()) return false;
    for (char c : parts[i]) {
      if (base::IsSpace(c)) return false;
    }
  }
  return true;
}

// Gradle names test configurations `test...` (testCompileClasspath, testRuntimeClasspath,
// testFixturesApi, ...): an entry locked only for those is development-only.
bool AllTestConfigurations(std::string_view configurations) {
  bool any = false;
  for (std::string_view conf : base::Split(configurations, ',')) {
    conf = base::Trim(conf);
    if (conf.empty()) continue;
    if (!conf.starts_with("test")) return false;
    any = true;
  }
  return any;
}

}  // namespace

base::Result<Parsed> ParseGradleLockfile(const ParseInput& input) {
  Parsed out;
  std::map<std::pair<std::string, std::string>, size_t> seen;  // (name, version) -> index
  size_t dropped = 0;
  auto warn = [&](size_t line, std::string message) {
    if (out.warnings.size() < kMaxWarnings) {
      out.warnings.push_back({input.path + ":" + std::to_string(line), std::move(message)});
    } else {
      ++dropped;
    }
  };

  std::string_view rest = input.bytes;
  size_t line_no = 0;
  while (!rest.empty()) {
    size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    ++line_no;
    line = base::Trim(line);
    if (line.empty() || line[0] == '#') continue;
    // `empty=conf1,conf2` lists the configurations that lock no dependency at all.
    if (line.starts_with("empty=")) continue;

    std::string_view coordinate = line;
    std::string_view configurations;
    // Gradle 7+ writes `coordinate=configurations`; the older per-configuration lockfiles
    // (gradle/dependency-locks/*.lockfile) hold the bare coordinate.
    if (size_t eq = line.find('='); eq != std::string_view::npos) {
      coordinate = line.substr(0, eq);
      configurations = line.substr(eq + 1);
    }
    std::string_view parts[3];
    if (!SplitCoordinate(coordinate, parts)) {
      std::string shown(line.substr(0, 80));
      warn(line_no, "not a `group:artifact:version=configurations` line: \"" + shown + "\"");
      continue;
    }
    std::string name = std::string(parts[0]) + ":" + std::string(parts[1]);
    std::string version(parts[2]);
    bool dev = AllTestConfigurations(configurations);
    auto [it, inserted] = seen.emplace(std::make_pair(name, version), out.packages.size());
    if (!inserted) {
      // Listed twice: development-only when every listing is.
      out.packages[it->second].dev = out.packages[it->second].dev && dev;
      continue;
    }

    model::Package pkg;
    pkg.ecosystem = "Maven";
    pkg.purl = internal::LanguagePurl(pkg.ecosystem, name, version);
    pkg.name = std::move(name);
    pkg.version = std::move(version);
    pkg.path = input.path;
    pkg.package_manager = "gradle";
    pkg.dev = dev;
    out.packages.push_back(std::move(pkg));
  }
  if (dropped > 0) {
    out.warnings.push_back({input.path, std::to_string(dropped) + " more warnings not listed"});
  }
  return out;
}

}  // namespace assay::inventory
