// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// .NET: NuGet lockfiles and dependency manifests. Bytes in, packages out
// (see parser.h): each function is pure and thread-safe and never opens a file. Every package
// carries ecosystem, name, version, purl (internal::LanguagePurl), path = input.path,
// package_manager, and dev = true when the file marks it development-only.
#pragma once

#include <string_view>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// packages.lock.json (`dependencies` per target framework, merged; `Project` entries skipped;
// lock file versions 1 and 2).
inline constexpr std::string_view kNugetLockType = "nuget-lock";
inline constexpr int kNugetLockParserVersion = 1;
base::Result<Parsed> ParseNugetLock(const ParseInput& input);

// `*.deps.json`: `libraries` of type `package`, `project` and `runtimepack` (the self-contained
// runtime, reported without its "runtimepack." prefix). When the runtime target is listed under
// `targets`, libraries it carries without runtime, runtimeTargets or native assets are left out.
inline constexpr std::string_view kDepsJsonType = "deps-json";
inline constexpr int kDepsJsonParserVersion = 1;
base::Result<Parsed> ParseDepsJson(const ParseInput& input);

}  // namespace assay::inventory
