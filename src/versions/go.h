// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Go module versions, ordered as golang.org/x/mod/semver orders them.
//
// Thread-safe; keeps no state.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "versions/scheme.h"

namespace assay::versions {

// Name() "go". Grammar of golang.org/x/mod/semver: "v" MAJOR[.MINOR[.PATCH[-PRE][+BUILD]]] with
// no leading zeros in numbers or numeric pre-release identifiers. The Go tool requires the "v";
// OSV's Go ecosystem writes versions without it, so both "v1.2.3" and "1.2.3" are accepted.
// The shorthands "v1" and "v1.2" mean v1.0.0 and v1.2.0 (and take no pre-release or build).
// Build metadata, including "+incompatible", is ignored; pseudo-versions
// (v0.0.0-20191109021931-daa7c04131f5) are pre-releases and order as such. Numbers have no size
// limit.
const Scheme& GoScheme();

// x/mod/semver's Canonical(): "v" MAJOR.MINOR.PATCH[-PRE] with build metadata dropped
// ("1.2" -> "v1.2.0", "v1.2.3+incompatible" -> "v1.2.3"). Fails with InvalidArgument.
base::Result<std::string> GoCanonical(std::string_view v);

}  // namespace assay::versions
