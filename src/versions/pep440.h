// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// PEP 440 versions and specifiers (PyPI).
//
// Parsing follows PEP 440's normalisation rules as pypa/packaging's Version implements them:
// case-insensitive, optional leading "v", surrounding whitespace (Python's Unicode whitespace),
// "-", "_" or "." as separators, implicit numbers ("1.0a" = "1.0a0"), implicit post releases
// ("1.0-1" = "1.0.post1"), spellings alpha/a, beta/b, c/pre/preview/rc, post/rev/r, epochs "N!"
// and local versions "+abc.5". Numbers have no size limit. Ordering is packaging's: epoch,
// release (trailing zeros ignored), then dev < pre < final < post, and local versions sort after
// the public version they extend (numeric local parts after alphanumeric ones).
//
// Every function here is thread-safe and allocation-only (no global state).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "versions/scheme.h"

namespace assay::versions {

// Name() "pep440". Validate() accepts exactly what packaging's Version accepts (ASCII letters
// only); Compare() fails on anything else.
const Scheme& Pep440Scheme();

// The canonical form of a valid version, as str(packaging.version.Version(v)):
// "V1.0-RC-1" -> "1.0rc1", "1.0-r5" -> "1.0.post5", "0!1.0+AbC" -> "1.0+abc".
base::Result<std::string> Pep440Normalize(std::string_view v);

// A total order over ALL strings, for PyPI data that predates PEP 440 (osv.dev and osv-scalibr
// order PyPI versions this way): valid PEP 440 versions compare as Pep440Scheme() does; any other
// string is a "legacy" version that sorts before every PEP 440 version, and legacy versions
// compare by setuptools' pre-PEP 440 parse_version scheme (packaging < 22's LegacyVersion).
// Returns -1, 0 or 1; never fails.
int ComparePypiWithLegacy(std::string_view a, std::string_view b);

// Whether `version` satisfies the PEP 440 specifier set `specifier_set` ("", ">=1.0,!=1.3.*",
// "~=2.2", "===1.0", ...), evaluated like packaging's SpecifierSet.contains(version,
// prereleases=True): pre-releases are not filtered out, but the exclusive-ordering rules still
// apply ("<2" excludes 2.0rc1, ">2" excludes 2.0.post1 and 2.0+local). An empty set contains
// every version. Prefix matching ("==1.2.*") pads the candidate's release with zeros.
// "~=" ignores a pre/post/dev suffix of its operand when forming the prefix (PEP 440).
// "===" compares strings case-insensitively against both the candidate as written and its
// canonical form, so it works for versions that are not PEP 440 at all.
// Fails with InvalidArgument when the set or (for operators other than "===") the version does
// not parse.
base::Result<bool> Pep440SpecifierContains(std::string_view specifier_set,
                                           std::string_view version);

}  // namespace assay::versions
