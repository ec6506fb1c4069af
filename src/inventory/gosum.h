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

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

inline constexpr std::string_view kGoSumType = "go-sum";
inline constexpr int kGoSumParserVersion = 1;

// Malformed lines (not three fields, a hash without "h1:"-style prefix) are warnings naming
// the line; input without a single valid line but with text is InvalidArgument.
base::Result<Parsed> ParseGoSum(const ParseInput& input);

// The modules whose contents a go.sum holds a checksum of (lines without "/go.mod": modules whose
// packages a build loaded, not the ones only consulted for their go.mod), each at the highest
// such version, sorted by module path. Versions without the leading "v". Lines that are not
// "module version hash" or carry an invalid version are skipped (ParseGoSum reports them).
struct GoSumModule {
  std::string path;
  std::string version;
};
std::vector<GoSumModule> GoSumContentModules(std::string_view bytes);

}  // namespace assay::inventory
