// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The one list of version schemes, and the mapping from OSV ecosystem names to them.
#pragma once

#include <span>
#include <string_view>

#include "versions/scheme.h"

namespace assay::versions {

struct SchemeEntry {
  std::string_view name;        // Scheme::Name()
  const Scheme& (*get)();       // the shared instance
};

// Every scheme assay implements, in a fixed order.
std::span<const SchemeEntry> Schemes();

// The scheme for an OSV ecosystem name, with or without a release suffix ("Debian",
// "Debian:12", "Ubuntu:22.04:LTS", "Alpine:v3.19", "AlmaLinux:9", "Red Hat", "PyPI", "npm",
// "crates.io", "Go", "Maven", "RubyGems", "NuGet", "Packagist"), or "RPM" for rpm's own
// [epoch:]version[-release] comparison. nullptr when assay has no scheme for it.
const Scheme* ForEcosystem(std::string_view ecosystem);

// The scheme with this Name(), or nullptr.
const Scheme* ByName(std::string_view name);

}  // namespace assay::versions
