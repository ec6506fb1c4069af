// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// SemVer 2.0 as npm (node-semver) and the SemVer ecosystems (crates.io, Hex, Pub) use it.
//
// Precedence is SemVer 2.0's: numeric major.minor.patch, then a version with a pre-release sorts
// before the same version without one, pre-release identifiers compare numerically when both are
// numeric, numeric before alphanumeric, otherwise by ASCII; build metadata is ignored. Numbers
// are compared exactly at any size (node-semver compares pre-release identifiers beyond 2^53 as
// doubles; assay does not).
//
// Every function here is thread-safe and keeps no state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "versions/scheme.h"

namespace assay::versions {

// Name() "npm". Parses like node-semver with {loose: true}: surrounding whitespace, any run of
// "v", "=" and whitespace before the number ("=v 1.2.3"), leading zeros ("01.02.03"), and a
// pre-release without its "-" ("1.2.3beta"); at most 256 characters and numbers up to 2^53-1.
// Extension for OSV data (osv-scalibr and osv-scanner accept these in npm advisories): the
// numeric core may have any number of components, missing ones count as zero ("1" == "1.0.0",
// "0.0.0.1" > "0.0.0"). node-semver itself rejects those; NpmRangeSatisfies() does too.
const Scheme& NpmScheme();

// Name() "semver", for crates.io, Hex and Pub: SemVer 2.0's strict grammar (no leading zeros,
// "-" before the pre-release, no whitespace) with an optional leading "v" and numbers of any
// size. Like NpmScheme() it accepts a core of one or more components ("1", "1.2.3.4"), with
// missing components counting as zero, because OSV's reference matchers do.
const Scheme& SemverScheme();

// A version as node-semver parses it. Numbers, and numeric pre-release identifiers below 2^53-1,
// are decimal strings without leading zeros (larger identifiers keep their text, as in node).
struct NpmVersion {
  std::string major;
  std::string minor;
  std::string patch;
  std::vector<std::string> prerelease;
  std::vector<std::string> build;
};

// node-semver's `new SemVer(v, {loose})`: exactly three components. Fails with InvalidArgument.
base::Result<NpmVersion> ParseNpmVersion(std::string_view v, bool loose);

// node-semver's compare(a, b, {loose}): -1, 0 or 1.
base::Result<int> NpmCompare(std::string_view a, std::string_view b, bool loose);

// node-semver's satisfies(version, range, {loose, includePrerelease}), for package.json-style
// ranges: "||" unions, space-separated intersections, comparators (<, <=, >, >=, =), hyphen
// ranges ("1.2 - 2"), x-ranges ("1.x", "1.2.*", "*", ""), tilde ("~1.2", "~>1.2") and caret
// ("^0.2.3") ranges, with node-semver's desugaring of each (including its loose-mode quirks:
// invalid comparators are dropped rather than rejected). Build metadata in the range is ignored.
// A pre-release version satisfies a comparator set only when some comparator in that set has a
// pre-release on the same major.minor.patch, unless include_prerelease is set.
//
// Where node-semver's satisfies() returns false for an unparsable range or version, this returns
// InvalidArgument; use value_or(false) for node's behaviour.
base::Result<bool> NpmRangeSatisfies(std::string_view range, std::string_view version, bool loose,
                                     bool include_prerelease);

}  // namespace assay::versions
