// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// A package found on a resource: the unit the matcher compares with advisories.
#pragma once

#include <string>

namespace assay::model {

struct Package {
  std::string ecosystem;  // OSV ecosystem: "Debian:12", "Alpine:v3.19", "AlmaLinux:9", "PyPI", ...
  std::string name;       // binary package name (dpkg/apk/rpm), or the language package name
  // The version as the package manager states it. dpkg: "[epoch:]upstream[-revision]"; apk:
  // "1.2.3-r0"; rpm: "[epoch:]version-release" (epoch written only when the header has one).
  std::string version;
  std::string source_name;     // dpkg Source:, apk origin, rpm source rpm name; empty if same
  std::string source_version;  // dpkg "Source: name (version)"; empty when not stated
  std::string arch;
  std::string purl;            // package URL with version (pkg:deb/debian/curl@7.88.1-10?arch=amd64)
  std::string path;            // file the package was found in, relative to the scanned root
  std::string layer_digest;    // image layer that introduced it; empty outside images
  std::string package_manager; // "dpkg", "apk", "rpm", "pip", "npm", ...
  // A development-only dependency (lockfile dev group / devDependencies / test scope). Parsers
  // report these flagged; scans leave them out unless asked (`--include-dev`).
  bool dev = false;
};

}  // namespace assay::model
