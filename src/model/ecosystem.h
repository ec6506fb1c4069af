// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// OSV ecosystem names. An ecosystem string is a base name optionally followed by ':' and a
// release ("Debian:12", "Ubuntu:22.04:LTS", "Ubuntu:Pro:18.04:LTS", "Alpine:v3.19").
#pragma once

#include <string_view>

namespace assay::model {

struct EcosystemName {
  std::string_view base;     // "Debian"
  std::string_view release;  // "12", "22.04:LTS", "" when absent
};

// Splits at the first ':'. Views point into `ecosystem`.
EcosystemName SplitEcosystem(std::string_view ecosystem);

// True for ecosystems of operating-system distributions (their packages are matched only
// against their own distribution's advisories).
bool IsOsEcosystem(std::string_view base);

}  // namespace assay::model
