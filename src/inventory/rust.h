// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Rust: Cargo.lock and cargo-auditable binaries. Bytes in, packages out
// (see parser.h): each function is pure and thread-safe and never opens a file. Every package
// carries ecosystem, name, version, purl (internal::LanguagePurl), path = input.path,
// package_manager, and dev = true when the file marks it development-only.
#pragma once

#include <string_view>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// Cargo.lock (TOML `[[package]]`): every package with a name and a version, registry, git and
// path packages alike. Invalid TOML is an error.
inline constexpr std::string_view kCargoLockType = "cargo-lock";
inline constexpr int kCargoLockParserVersion = 1;
base::Result<Parsed> ParseCargoLock(const ParseInput& input);

// An executable built with cargo-auditable (the `.dep-v0` section of an ELF, PE or Mach-O file:
// zlib-compressed JSON, at most 8 MiB inflated); build-time dependencies are left out.
// NotSupported when the file has no such section.
inline constexpr std::string_view kRustBinaryType = "rust-binary";
inline constexpr int kRustBinaryParserVersion = 1;
base::Result<Parsed> ParseRustBinary(const ParseInput& input);

}  // namespace assay::inventory
