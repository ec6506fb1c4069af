// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Go: go.mod and the build information embedded in Go binaries. Bytes in, packages out
// (see parser.h): each function is pure and thread-safe and never opens a file. Every package
// carries ecosystem, name, version, purl (internal::LanguagePurl), path = input.path,
// package_manager, and dev = true when the file marks it development-only.
#pragma once

#include <string_view>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// go.mod: `require` lines (with `replace` applied), plus the `go` toolchain line as `stdlib`.
inline constexpr std::string_view kGoModType = "go-mod";
inline constexpr int kGoModParserVersion = 1;
base::Result<Parsed> ParseGoMod(const ParseInput& input);

// a Go executable (ELF, PE or Mach-O): main module, dependencies and `stdlib` from the embedded build info.
inline constexpr std::string_view kGoBinaryType = "go-binary";
inline constexpr int kGoBinaryParserVersion = 1;
base::Result<Parsed> ParseGoBinary(const ParseInput& input);

}  // namespace assay::inventory
