// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// RPM versions, ordered exactly as rpm orders them: rpmvercmp() on raw strings, and full
// `[epoch:]version[-release]` (EVR) strings split and compared the way rpm's rpmver API does.
// This is the scheme of the "Red Hat", "AlmaLinux", "Rocky Linux", "openSUSE", "SUSE" and
// "Mageia" OSV ecosystems. Everything here is a pure function: thread-safe, no state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "versions/scheme.h"

namespace assay::versions {

// rpm's rpmvercmp() on two raw strings (no epoch or release splitting: "1-2-3" is one string;
// "" is a valid operand: above strings that start with "~", equal to strings of separators
// only, below everything else). Identical strings are equal. Otherwise both strings are read
// as runs of ASCII digits or ASCII letters, every other character separating runs without
// weight; '~' sorts before anything, even the end of the string ("1.0~rc1" < "1.0"); '^' sorts
// after the end of the string but before any further run ("1.0" < "1.0^git1" < "1.0.1"); a
// digit run beats a letter run; digit runs compare by value (any length); letter runs compare
// bytewise; when all runs tie, the string with runs left wins. Like rpm, which sees C
// strings, only the part before a NUL byte is read. Returns -1, 0 or 1.
int RpmVerCmp(std::string_view a, std::string_view b);

// A version split the way rpm splits an EVR string.
struct RpmEvr {
  // Epoch digits as written, e.g. "01"; "" when the string has no epoch (compares like "0").
  std::string epoch;
  std::string version;  // never empty
  // After the last '-'; nullopt when there is no '-'. A missing release sorts below any
  // release, even an empty one ("1.0" < "1.0-" < "1.0-0").
  std::optional<std::string> release;

  friend bool operator==(const RpmEvr&, const RpmEvr&) = default;
};

// Splits `evr` like rpm: the epoch is the run of leading digits when a ':' follows it (":1.0"
// has epoch "0"); text before a ':' that is not all digits is part of the version, as in rpm
// ("a:1" is the version "a:1", not an epoch). The release follows the last '-'. Rpm accepts
// nearly anything; assay refuses only what cannot be a version: an empty string, an empty
// version part ("1:", "-1", "2:-1") and NUL bytes. Errors are InvalidArgument ("invalid rpm
// version \"...\": reason").
base::Result<RpmEvr> ParseRpmEvr(std::string_view evr);

// rpm's EVR order: epochs, then versions, then releases, each with RpmVerCmp (a missing epoch
// is "0"; a missing release sorts first). Returns -1, 0 or 1.
int CompareRpmEvr(const RpmEvr& a, const RpmEvr& b);

// The shared "rpm" scheme: Validate = ParseRpmEvr, Compare = CompareRpmEvr on parsed strings.
// A string with neither epoch nor release compares exactly as RpmVerCmp.
const Scheme& RpmScheme();

}  // namespace assay::versions
