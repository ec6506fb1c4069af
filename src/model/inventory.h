// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// What collectors found on a resource: its operating system, its packages and the problems met
// on the way. The JSON form is `assay sbom`'s native output.
#pragma once

#include <string>
#include <vector>

#include "model/package.h"

namespace assay::model {

struct OsInfo {
  std::string id;           // os-release ID: "debian", "ubuntu", "alpine", "almalinux", ...
  std::string version_id;   // "12", "22.04", "3.19.1"
  std::string codename;     // "bookworm"
  std::string pretty_name;  // "Debian GNU/Linux 12 (bookworm)"
  std::string ecosystem;    // OSV ecosystem of its packages: "Debian:12", "Ubuntu:22.04:LTS", ...
  bool ubuntu_pro = false;  // ESM apt sources present: Ubuntu Pro advisories apply
  bool known() const { return !ecosystem.empty(); }
};

struct InventoryWarning {
  std::string location;  // file (and line or record) relative to the resource root
  std::string message;
};

struct Inventory {
  OsInfo os;
  std::vector<Package> packages;
  std::vector<InventoryWarning> warnings;
  // "<collector>@<version>" for every collector that ran, so stored inventories can be
  // re-collected when a collector changes.
  std::vector<std::string> collectors;
};

}  // namespace assay::model
