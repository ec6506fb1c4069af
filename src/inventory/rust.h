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

// Cargo.lock (TOML `[[package]]`; registry packages).
inline constexpr std::string_view kCargoLockType = "cargo-lock";
inline constexpr int kCargoLockParserVersion = 1;
base::Result<Parsed> ParseCargoLock(const ParseInput& input);

// an executable built with cargo-auditable (the `.dep-v0` section: zlib-compressed JSON).
inline constexpr std::string_view kRustBinaryType = "rust-binary";
inline constexpr int kRustBinaryParserVersion = 1;
base::Result<Parsed> ParseRustBinary(const ParseInput& input);

}  // namespace assay::inventory
