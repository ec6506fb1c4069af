// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Debian package versions, `[epoch:]upstream[-revision]`, validated and ordered exactly as dpkg
// does (deb-version(7); dpkg's parseversion() and verrevcmp()). The scheme is what the "Debian"
// and "Ubuntu" OSV ecosystems use. Everything here is a pure function: thread-safe, no state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "versions/scheme.h"

namespace assay::versions {

// A version split the way dpkg splits it.
struct DpkgVersion {
  int64_t epoch = 0;     // 0 when absent; 0..2147483647 as dpkg allows
  std::string upstream;  // never empty, starts with a digit
  std::string revision;  // after the last '-'; "" when there is none (dpkg orders "" like "0")

  friend bool operator==(const DpkgVersion&, const DpkgVersion&) = default;
};

// Parses `v` with dpkg's rules (the strict ones dpkg applies to package metadata):
//  - blanks (space, tab) around the version are ignored; any other whitespace is an error;
//  - the epoch is the decimal number before the first ':' and must fit dpkg's int (an optional
//    sign is accepted as strtol() does: "+1:" and "-0:" are valid, "-1:" is negative);
//  - the revision follows the last '-' and must not be empty when the '-' is present;
//  - the upstream part must not be empty, must start with a digit and may hold only ASCII
//    letters, digits and ".+-~:"; the revision only letters, digits and ".+~".
// InvalidArgument ("invalid dpkg version \"...\": reason") names the first rule broken.
base::Result<DpkgVersion> ParseDpkg(std::string_view v);

// dpkg's order: epochs numerically, then upstream, then revision with CompareDpkgFragment.
// Returns -1, 0 or 1.
int CompareDpkg(const DpkgVersion& a, const DpkgVersion& b);

// dpkg's verrevcmp() on one upstream or revision string: alternating non-digit and digit runs;
// in non-digit runs '~' sorts before everything (even the end of the string), then the end,
// then ASCII letters, then every other character; digit runs compare by numeric value (any
// length, no overflow). Defined for any input, valid or not. Returns -1, 0 or 1.
int CompareDpkgFragment(std::string_view a, std::string_view b);

// ParseDpkg both sides, then CompareDpkg. Fails when either side is invalid.
base::Result<int> CompareDpkgVersions(std::string_view a, std::string_view b);

// The shared "dpkg" scheme: Validate = ParseDpkg, Compare = CompareDpkgVersions.
const Scheme& DpkgScheme();

}  // namespace assay::versions
