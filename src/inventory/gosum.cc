// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/gosum.h"

#include <map>
#include <string>
#include <utility>

#include "base/strings.h"
#include "inventory/internal/purl.h"
#include "versions/registry.h"

namespace assay::inventory {

std::vector<GoSumModule> GoSumContentModules(std::string_view bytes) {
  const versions::Scheme* scheme = versions::ForEcosystem("Go");
  std::map<std::string, std::string> best;  // module -> highest version
  for (std::string_view line : base::Split(bytes, '\n')) {
    std::vector<std::string_view> f;
    for (std::string_view w : base::Split(base::Trim(line), ' ')) {
      if (!w.empty()) f.push_back(w);
    }
    if (f.size() != 3 || f[2].find(':') == std::string_view::npos) continue;
    std::string_view version = f[1];
    if (version.ends_with("/go.mod")) continue;
    if (version.size() >= 2 && version[0] == 'v' && base::IsDigit(version[1])) {
      version.remove_prefix(1);
    }
    if (version.empty() || (scheme != nullptr && !scheme->Validate(version).ok())) continue;
    auto [it, inserted] = best.emplace(std::string(f[0]), std::string(version));
    if (!inserted && scheme != nullptr) {
      auto cmp = scheme->Compare(version, it->second);
      if (cmp.ok() && *cmp > 0) it->second = std::string(version);
    }
  }
  std::vector<GoSumModule> out;
  for (auto& [path, version] : best) out.push_back({path, std::move(version)});
  return out;
}

base::Result<Parsed> ParseGoSum(const ParseInput& input) {
  const versions::Scheme* scheme = versions::ForEcosystem("Go");
  Parsed out;
  std::map<std::string, std::string> best;  // module -> highest version
  size_t line_no = 0;
  size_t text_lines = 0;
  for (std::string_view line : base::Split(input.bytes, '\n')) {
    ++line_no;
    line = base::Trim(line);
    if (line.empty()) continue;
    ++text_lines;
    std::vector<std::string_view> f;
    for (std::string_view w : base::Split(line, ' ')) {
      if (!w.empty()) f.push_back(w);
    }
    if (f.size() != 3 || f[2].find(':') == std::string_view::npos) {
      if (out.warnings.size() < 100) {
        out.warnings.push_back({input.path + ":" + std::to_string(line_no),
                                "not a go.sum line (\"module version hash\")"});
      }
      continue;
    }
    std::string_view version = f[1];
    if (version.size() > 7 && version.substr(version.size() - 7) == "/go.mod") {
      version.remove_suffix(7);
    }
    if (version.size() >= 2 && version[0] == 'v' && base::IsDigit(version[1])) {
      version.remove_prefix(1);
    }
    if (version.empty() || (scheme != nullptr && !scheme->Validate(version).ok())) {
      if (out.warnings.size() < 100) {
        out.warnings.push_back({input.path + ":" + std::to_string(line_no),
                                "module " + std::string(f[0]) + ": invalid version '" +
                                    std::string(f[1]) + "'"});
      }
      continue;
    }
    auto [it, inserted] = best.emplace(std::string(f[0]), std::string(version));
    if (!inserted && scheme != nullptr) {
      auto cmp = scheme->Compare(version, it->second);
      if (cmp.ok() && *cmp > 0) it->second = std::string(version);
    }
  }
  if (best.empty() && text_lines > 0 && out.warnings.size() == text_lines) {
    return base::Status::InvalidArgument(input.path + ": not a go.sum file (no valid line)");
  }
  for (auto& [name, version] : best) {
    model::Package p;
    p.ecosystem = "Go";
    p.purl = internal::LanguagePurl("Go", name, version);
    p.name = name;
    p.version = std::move(version);
    p.path = input.path;
    p.package_manager = "go";
    out.packages.push_back(std::move(p));
  }
  return out;
}

}  // namespace assay::inventory
