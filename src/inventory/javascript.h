// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// JavaScript: npm, yarn, pnpm and bun lockfiles, and installed node_modules. Bytes in, packages out
// (see parser.h): each function is pure and thread-safe and never opens a file. Every package
// carries ecosystem, name, version, purl (internal::LanguagePurl), path = input.path,
// package_manager, and dev = true when the file marks it development-only.
#pragma once

#include <string_view>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// package-lock.json v1-v3 and node_modules/.package-lock.json.
inline constexpr std::string_view kPackageLockJsonType = "package-lock-json";
inline constexpr int kPackageLockJsonParserVersion = 1;
base::Result<Parsed> ParsePackageLockJson(const ParseInput& input);

// yarn.lock, classic (v1) and berry.
inline constexpr std::string_view kYarnLockType = "yarn-lock";
inline constexpr int kYarnLockParserVersion = 1;
base::Result<Parsed> ParseYarnLock(const ParseInput& input);

// pnpm-lock.yaml, lockfile versions 5 to 9.
inline constexpr std::string_view kPnpmLockType = "pnpm-lock";
inline constexpr int kPnpmLockParserVersion = 1;
base::Result<Parsed> ParsePnpmLock(const ParseInput& input);

// bun.lock (JSONC text lockfile).
inline constexpr std::string_view kBunLockType = "bun-lock";
inline constexpr int kBunLockParserVersion = 1;
base::Result<Parsed> ParseBunLock(const ParseInput& input);

// an installed `node_modules/**/package.json` (name + version of that one package).
inline constexpr std::string_view kPackageJsonType = "package-json";
inline constexpr int kPackageJsonParserVersion = 1;
base::Result<Parsed> ParsePackageJson(const ParseInput& input);

}  // namespace assay::inventory
