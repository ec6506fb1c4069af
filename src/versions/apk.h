// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Alpine package versions, validated and ordered as apk-tools 3 does (apk-package(5)):
//
//   number{.number}...{letter}{_suffix{number}}...{~hash}{-r number}
//
// e.g. "1.2.3", "2.5.1a", "1.0_rc2_p1", "0.1_pre2~1234abcd-r3". Suffixes sort alpha < beta <
// pre < rc < (none) < cvs < svn < git < hg < p. Numbers after the first compare as strings
// when either has a leading zero ("1.0 < 1.001 < 1.01 < 1.1"), otherwise by value (any
// length, no overflow). The hash compares as a string. Everything here is a pure function:
// thread-safe, no state.
//
// Unlike dpkg or rpm, apk orders strings it cannot validate instead of refusing them, and the
// OSV "Alpine" ecosystem (with osv-scalibr, its reference matcher) relies on that. So does
// assay: ApkCompare and ApkScheme().Compare accept any non-empty string; callers that must not
// guess an order for invalid versions call Validate() first.
#pragma once

#include <string_view>

#include "base/status.h"
#include "versions/scheme.h"

namespace assay::versions {

// OK when apk-tools 3 accepts `v` (apk_version_validate): "0.1_pre2~1234abcd" is valid;
// "", "0.1bc", "0.1a1", "0.1_", "0.1_foo", "0.1-r", "0.1-r2_pre1" and "0.1_pre2~" are not.
base::Status ValidateApk(std::string_view v);

// The apk order. When both sides are valid this is apk-tools 3's comparison. When either side
// is invalid apk's own answer is an artefact of where its tokenizer stops, so assay orders the
// pair by what can be read leniently instead (the osv-scalibr convention): leading
// dot-separated numbers (a missing one counts as 0), then an optional letter (absent first),
// then known suffixes (a missing one counts as "none"), then the "-r" revision (missing or
// empty counts as 0; the hash is ignored); a string with unreadable leftovers sorts just below
// the same string without them, and two strings whose tail cannot be read at all ("a", ".1",
// "6.6.2p1") compare bytewise. Defined for every input; returns -1, 0 or 1.
int ApkCompare(std::string_view a, std::string_view b);

// apk's version constraint check, `version op other` (apk_version_match):
//   "<", "<=", "=", ">=", ">" compare with ApkCompare;
//   "~" (also "=~") is apk's fuzzy match: true when `other` is valid and its tokens are a
//   prefix of `version`'s ("3.6.9_pre1" ~ "3.6" holds, "3.8" ~ "3.8.1" does not);
//   "<~" and ">~" hold when the fuzzy match holds or the comparison is less/greater.
// The op is any combination of the characters "<>=~", as apk parses it; a combination of all
// four matches everything. InvalidArgument for an empty or unknown op or an empty version.
base::Result<bool> ApkSatisfies(std::string_view version, std::string_view op,
                                std::string_view other);

// The shared "apk" scheme: Validate = ValidateApk; Compare = ApkCompare, failing only when a
// side is empty (see the header comment on invalid versions).
const Scheme& ApkScheme();

}  // namespace assay::versions
