// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// go.sum: the checksums of every module version a Go build may read. Bytes in, packages out
// (parser.h). Each line is "<module> <version>[/go.mod] <hash>"; a module listed at several
// versions (minimal version selection keeps old ones for their go.mod) is reported once, at
// its highest version, since that is the one a build selects. Versions are written without the
// leading "v", as OSV's Go ecosystem (and golang.h) writes them. A go.mod next to the go.sum
// is the better source; go.sum alone is for trees that ship only it.
#pragma once

#include <string_view>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

inline constexpr std::string_view kGoSumType = "go-sum";
inline constexpr int kGoSumParserVersion = 1;

// Malformed lines (not three fields, a hash without "h1:"-style prefix) are warnings naming
// the line; input without a single valid line but with text is InvalidArgument.
base::Result<Parsed> ParseGoSum(const ParseInput& input);

}  // namespace assay::inventory
