// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// NuGet versions (NuGet.Versioning's NuGetVersion): SemVer 2.0 with up to four numeric parts.
//
//   version  = numbers ["-" label *("." label)] ["+" metadata]
//   numbers  = 1 to 4 dot-separated runs of ASCII digits ("1" reads as "1.0"; leading zeros are
//              allowed: "1.01" == "1.1")
//   label    = 1*(ALPHA / DIGIT / "-"), no leading zero on an all-digit label
//   metadata = dot-separated non-empty runs of ALPHA / DIGIT / "-"
// Surrounding ASCII whitespace is ignored.
//
// Order: the four numbers (missing ones are 0), then a version without labels sorts after one
// with labels; labels compare left to right, numeric labels (digits, optionally after a '-' as
// .NET's int.Parse reads "-1") numerically and before alphanumeric ones, alphanumeric labels
// case-insensitively; more labels sort later. Metadata is ignored:
// 1.0 == 1.0.0 == 1.0.0.0 == 1.0.0+build, and 1.0.0-BETA == 1.0.0-beta.
//
// Differences from NuGet.Versioning, on inputs no published package uses: numbers and numeric
// labels may have any size (NuGet caps both at Int32, and treats an oversized label as text);
// numbers must be plain digits (System.Version would also take "+1" or " 1").
//
// Thread-safe; the returned instance is shared and lives for the whole program.
#pragma once

#include "versions/scheme.h"

namespace assay::versions {

// Name() is "nuget".
const Scheme& NuGetScheme();

}  // namespace assay::versions
