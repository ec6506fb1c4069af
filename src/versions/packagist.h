// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Packagist (Composer) versions, ordered as PHP's version_compare() orders them once Composer
// has dropped the "v" prefix: the ordering osv.dev and osv-scalibr use for Packagist advisories.
//
// version_compare canonicalises a version by turning '-', '_', '+' and every other character
// that is not a letter or digit into '.', and by putting a '.' at every letter/digit transition
// ("1.0RC1+b" -> "1.0.RC.1.b"). Parts then compare left to right: numbers numerically; words by
// their special-form rank, found by prefix and case-sensitively:
//   unknown words < dev < alpha = a... < beta = b... < RC = rc... < (a number) < pl = p...
// so "1.0-dev" < "1.0a1" < "1.0b1" < "1.0RC1" < "1.0" < "1.0pl1". A number sorts above a word
// of lower rank and below "p"/"pl". When one version runs out, the longer one wins if its next
// part is a number and loses if it is a word ranked below a number ("1.0" < "1.0.0",
// "1.0rc1" < "1.0"). Composer's 4-part padding is not applied ("1.0" < "1.0.0", as in PHP).
//
// Deviations from PHP, both required by the osv-scalibr fixtures: numbers compare at any size
// (PHP's strtol saturates), and '#' is kept as a letter (PHP turns it into a separator), so that
// a "#" part ranks like a number.
//
// Validity: version_compare accepts any string, and so does this scheme except for the empty
// string and control characters. On odd input PHP's order is not a total order: "1.0." vs
// "1.0.x" is "less" both ways round, and "#" equals every number. It is a total preorder
// (antisymmetric and transitive) on versions that pass IsWellFormedPackagistVersion.
//
// Thread-safe; the returned instance is shared and lives for the whole program.
#pragma once

#include <string_view>

#include "versions/scheme.h"

namespace assay::versions {

// Name() is "packagist".
const Scheme& PackagistScheme();

// True for "[vV]?" followed by runs of ASCII letters and digits separated by single '.', '-',
// '_' or '+' (surrounding whitespace allowed): "v1.2.3", "1.0.0-beta.2", "2.x-dev",
// "dev-main", "1.0+build.5". Every version seen in real Packagist metadata has this shape; on
// such versions the scheme's Compare is a total preorder. Thread-safe.
bool IsWellFormedPackagistVersion(std::string_view v);

}  // namespace assay::versions
