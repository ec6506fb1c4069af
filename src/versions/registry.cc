// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/registry.h"

#include <array>

#include "model/ecosystem.h"
#include "versions/apk.h"
#include "versions/dpkg.h"
#include "versions/go.h"
#include "versions/maven.h"
#include "versions/npm.h"
#include "versions/nuget.h"
#include "versions/packagist.h"
#include "versions/pep440.h"
#include "versions/rpm.h"
#include "versions/rubygems.h"

namespace assay::versions {
namespace {

constexpr std::array kSchemes = {
    SchemeEntry{"dpkg", &DpkgScheme},         SchemeEntry{"rpm", &RpmScheme},
    SchemeEntry{"apk", &ApkScheme},           SchemeEntry{"pep440", &Pep440Scheme},
    SchemeEntry{"npm", &NpmScheme},           SchemeEntry{"semver", &SemverScheme},
    SchemeEntry{"go", &GoScheme},             SchemeEntry{"maven", &MavenScheme},
    SchemeEntry{"rubygems", &RubyGemsScheme}, SchemeEntry{"nuget", &NuGetScheme},
    SchemeEntry{"packagist", &PackagistScheme},
};

struct EcosystemEntry {
  std::string_view base;  // OSV ecosystem name without release
  std::string_view scheme;
};

// OSV ecosystems → schemes. Distributions that ship rpm packages all compare with rpm's EVR.
constexpr std::array kEcosystems = {
    EcosystemEntry{"Debian", "dpkg"},       EcosystemEntry{"Ubuntu", "dpkg"},
    EcosystemEntry{"Alpine", "apk"},        EcosystemEntry{"Wolfi", "apk"},
    EcosystemEntry{"Chainguard", "apk"},    EcosystemEntry{"AlmaLinux", "rpm"},
    EcosystemEntry{"Rocky Linux", "rpm"},   EcosystemEntry{"Red Hat", "rpm"},
    EcosystemEntry{"SUSE", "rpm"},          EcosystemEntry{"openSUSE", "rpm"},
    EcosystemEntry{"Mageia", "rpm"},        EcosystemEntry{"openEuler", "rpm"},
    EcosystemEntry{"Photon OS", "rpm"},     EcosystemEntry{"RPM", "rpm"},
    EcosystemEntry{"PyPI", "pep440"},       EcosystemEntry{"npm", "npm"},
    EcosystemEntry{"crates.io", "semver"},  EcosystemEntry{"Hex", "semver"},
    EcosystemEntry{"Pub", "semver"},        EcosystemEntry{"Go", "go"},
    EcosystemEntry{"Maven", "maven"},       EcosystemEntry{"RubyGems", "rubygems"},
    EcosystemEntry{"NuGet", "nuget"},       EcosystemEntry{"Packagist", "packagist"},
};

}  // namespace

std::span<const SchemeEntry> Schemes() { return kSchemes; }

const Scheme* ByName(std::string_view name) {
  for (const auto& s : kSchemes) {
    if (s.name == name) return &s.get();
  }
  return nullptr;
}

const Scheme* ForEcosystem(std::string_view ecosystem) {
  std::string_view base = model::SplitEcosystem(ecosystem).base;
  for (const auto& e : kEcosystems) {
    if (e.base == base) return ByName(e.scheme);
  }
  return nullptr;
}

}  // namespace assay::versions
