// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// PHP: Composer lockfiles and installed metadata. Bytes in, packages out
// (see parser.h): each function is pure and thread-safe and never opens a file. Every package
// carries ecosystem, name, version, purl (internal::LanguagePurl), path = input.path,
// package_manager, and dev = true when the file marks it development-only.
#pragma once

#include <string_view>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// composer.lock (`packages`, `packages-dev` as dev).
inline constexpr std::string_view kComposerLockType = "composer-lock";
inline constexpr int kComposerLockParserVersion = 1;
base::Result<Parsed> ParseComposerLock(const ParseInput& input);

// vendor/composer/installed.json (Composer 1 array or Composer 2 `{"packages": [...]}`, where
// the names in `dev-package-names` are dev).
inline constexpr std::string_view kComposerInstalledType = "composer-installed";
inline constexpr int kComposerInstalledParserVersion = 1;
base::Result<Parsed> ParseComposerInstalled(const ParseInput& input);

}  // namespace assay::inventory
