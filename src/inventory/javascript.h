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

// package-lock.json v1-v3, npm-shrinkwrap.json and node_modules/.package-lock.json. v2/v3 read
// `packages` (the root "" and link-target folders are the project and its workspaces; a workspace
// is reported through its link, with the folder's version), v1 the nested `dependencies`. Git,
// file and other non-registry v1 versions are warnings. `devOptional` is not dev-only.
inline constexpr std::string_view kPackageLockJsonType = "package-lock-json";
inline constexpr int kPackageLockJsonParserVersion = 1;
base::Result<Parsed> ParsePackageLockJson(const ParseInput& input);

// yarn.lock, classic (v1) and berry. Aliases report the real package; berry's root workspace
// (`workspace:.`) and `patch:` entries are left out; unknown range protocols are warnings.
inline constexpr std::string_view kYarnLockType = "yarn-lock";
inline constexpr int kYarnLockParserVersion = 1;
base::Result<Parsed> ParseYarnLock(const ParseInput& input);

// pnpm-lock.yaml, lockfile versions 5 to 9 (the last YAML document of the file). A `packages`
// key that is no dependency path at all (never written by pnpm) fails the parse;
// 9.x dev-only packages are found by walking `snapshots` from the importers.
inline constexpr std::string_view kPnpmLockType = "pnpm-lock";
inline constexpr int kPnpmLockParserVersion = 1;
base::Result<Parsed> ParsePnpmLock(const ParseInput& input);

// bun.lock (JSONC text lockfile). A `packages` value that is not a ["name@version", ...] tuple
// fails the parse; dev-only packages are found by walking the dependencies from the workspaces.
inline constexpr std::string_view kBunLockType = "bun-lock";
inline constexpr int kBunLockParserVersion = 1;
base::Result<Parsed> ParseBunLock(const ParseInput& input);

// an installed `node_modules/**/package.json` (name + version of that one package). Without a
// name and a version it is not an installed package: NotSupported.
inline constexpr std::string_view kPackageJsonType = "package-json";
inline constexpr int kPackageJsonParserVersion = 1;
base::Result<Parsed> ParsePackageJson(const ParseInput& input);

}  // namespace assay::inventory
