// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Go: go.mod and the build information embedded in Go binaries. Bytes in, packages out
// (see parser.h): each function is pure and thread-safe and never opens a file (the files a
// format refers to come through ParseInput::siblings). Every package carries ecosystem, name,
// version, purl (internal::LanguagePurl), path = input.path (or that of the referenced file it
// was found in), package_manager, and dev = true when the file marks it development-only.
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
// Before Go 1.17 (and without a go line, which the go command reads as 1.16) go.mod lists only
// the modules the main module needs directly; the others are in the go.sum beside it ("go.mod"
// -> "go.sum", any "x.mod" -> "x.sum"), read through ParseInput::siblings: each module it holds
// the contents of (GoSumContentModules) and go.mod does not name (required, replaced or
// replacing) is added at its highest version, with the go.sum's path. When a go line below 1.17
// says the go.sum is needed and it is absent, unreadable or there is no reader, a warning says
// indirect dependencies are not reported.
inline constexpr std::string_view kGoModType = "go-mod";
inline constexpr int kGoModParserVersion = 2;
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
