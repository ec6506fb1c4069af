// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The packages and warnings of one language parse (private to the module): each (name,
// version) once, every package filled in the same way (ecosystem, purl, path, manager).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "inventory/internal/purl.h"
#include "inventory/parser.h"

namespace assay::inventory::internal {

class PackageList {
 public:
  // `input` must outlive the list.
  PackageList(const ParseInput& input, std::string_view ecosystem, std::string_view manager)
      : input_(input), ecosystem_(ecosystem), manager_(manager) {}

  // Adds the package unless the same (name, version) is already listed. `path`: the file it was
  // found in when that is not the input (a file the input refers to).
  void Add(std::string name, std::string version, std::string_view path = {}) {
    if (!seen_.emplace(name, version).second) return;
    model::Package p;
    p.ecosystem = std::string(ecosystem_);
    p.purl = LanguagePurl(ecosystem_, name, version);
    p.name = std::move(name);
    p.version = std::move(version);
    p.path = path.empty() ? input_.path : std::string(path);
    p.package_manager = std::string(manager_);
    out_.packages.push_back(std::move(p));
  }

  void Warn(std::string location, std::string message) {
    out_.warnings.push_back({std::move(location), std::move(message)});
  }

  Parsed Take() { return std::move(out_); }

 private:
  const ParseInput& input_;
  std::string_view ecosystem_;
  std::string_view manager_;
  std::set<std::pair<std::string, std::string>> seen_;
  Parsed out_;
};

}  // namespace assay::inventory::internal
