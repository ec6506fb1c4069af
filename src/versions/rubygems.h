// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// RubyGems versions and requirements, as Gem::Version and Gem::Requirement define them.
//
// Versions. Valid strings match Gem::Version's pattern
//   \s* ( [0-9]+ (\.[0-9a-zA-Z]+)* (-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)? )? \s*
// (ASCII whitespace; an empty or blank string is the version "0"). Each '-' reads as ".pre.";
// the version then splits into segments, runs of digits (numbers of any size) and runs of
// letters (strings, compared byte-wise and case-sensitively). A version with any letter is a
// prerelease. Trailing zero numbers are dropped both before the first string segment and at the
// end ("1.0.a.0" == "1.a"); missing segments read as 0, and a string sorts before any number,
// so "1.0.a" < "1.0" and "1.0.0" == "1".
//
// Thread-safe; the returned instance is shared and lives for the whole program.
#pragma once

#include <string_view>

#include "base/status.h"
#include "versions/scheme.h"

namespace assay::versions {

// Name() is "rubygems".
const Scheme& RubyGemsScheme();

// Whether `version` satisfies `requirement`, a comma-separated list of RubyGems requirements
// that must all hold ("~> 1.4, >= 1.4.2"). Each requirement is "[op] version" with op one of
// =, !=, >, <, >=, <=, ~> (default "=") and whitespace allowed around both, as
// Gem::Requirement.parse accepts. "~> X" means ">= X" and below X bumped: the release part of
// the version must sort below X with its last numeric segment dropped (unless it is the only
// one) and the new last segment incremented ("~> 1.4.4" is < 1.5, "~> 1" is < 2).
// InvalidArgument when the requirement or the version does not parse. Thread-safe.
base::Result<bool> GemRequirementSatisfied(std::string_view requirement, std::string_view version);

}  // namespace assay::versions
