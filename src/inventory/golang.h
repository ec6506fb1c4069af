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

// Versions are written as OSV's Go ecosystem writes them, without the Go tool's leading "v"
// ("v1.2.3" -> "1.2.3"); the toolchain is the package `stdlib` ("go1.22.1" -> "1.22.1").

// go.mod: `require` lines (with `replace` applied; a module replaced by a local directory has no
// version and is a warning), plus `stdlib` from the `toolchain` line, else the `go` line. A file
// with no known directive at all is an error.
inline constexpr std::string_view kGoModType = "go-mod";
inline constexpr int kGoModParserVersion = 1;
base::Result<Parsed> ParseGoMod(const ParseInput& input);

// A Go executable (ELF, PE or Mach-O, see exe.h): main module, dependencies (replacements
// applied) and `stdlib` from the embedded build information, in both the Go 1.18+ inline layout
// and the older pointer layout. A main module built from a checkout ("(devel)") takes the version
// stamped with `-ldflags "-X <pkg>.version=..."` when there is one, else it is a warning.
// NotSupported "not a Go binary" for other input.
inline constexpr std::string_view kGoBinaryType = "go-binary";
inline constexpr int kGoBinaryParserVersion = 1;
base::Result<Parsed> ParseGoBinary(const ParseInput& input);

}  // namespace assay::inventory
