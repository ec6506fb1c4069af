// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "model/ecosystem.h"

#include <array>

namespace assay::model {

EcosystemName SplitEcosystem(std::string_view ecosystem) {
  size_t colon = ecosystem.find(':');
  if (colon == std::string_view::npos) return {ecosystem, {}};
  return {ecosystem.substr(0, colon), ecosystem.substr(colon + 1)};
}

bool IsOsEcosystem(std::string_view base) {
  static constexpr std::array<std::string_view, 14> kOs = {
      "Debian", "Ubuntu",        "Alpine", "AlmaLinux",  "Rocky Linux", "Red Hat", "SUSE",
      "openSUSE", "Mageia",      "Photon OS", "Wolfi",   "Chainguard",  "openEuler", "RPM"};
  for (auto os : kOs) {
    if (base == os) return true;
  }
  return false;
}

}  // namespace assay::model
