// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Python: installed metadata and lockfiles. Bytes in, packages out
// (see parser.h): each function is pure and thread-safe and never opens a file. Every package
// carries ecosystem, name, version, purl (internal::LanguagePurl), path = input.path,
// package_manager, and dev = true when the file marks it development-only.
#pragma once

#include <string_view>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` or an `.egg-info` file (RFC 822 headers: Name, Version).
inline constexpr std::string_view kPythonMetadataType = "python-metadata";
inline constexpr int kPythonMetadataParserVersion = 1;
base::Result<Parsed> ParsePythonMetadata(const ParseInput& input);

// requirements.txt: pinned `name==version` lines (also `===`); unpinned lines are warnings, not packages.
inline constexpr std::string_view kRequirementsTxtType = "requirements-txt";
inline constexpr int kRequirementsTxtParserVersion = 1;
base::Result<Parsed> ParseRequirementsTxt(const ParseInput& input);

// poetry.lock (TOML `[[package]]`).
inline constexpr std::string_view kPoetryLockType = "poetry-lock";
inline constexpr int kPoetryLockParserVersion = 1;
base::Result<Parsed> ParsePoetryLock(const ParseInput& input);

// Pipfile.lock (JSON `default` / `develop`; develop entries are dev).
inline constexpr std::string_view kPipfileLockType = "pipfile-lock";
inline constexpr int kPipfileLockParserVersion = 1;
base::Result<Parsed> ParsePipfileLock(const ParseInput& input);

// pdm.lock (TOML `[[package]]`, groups).
inline constexpr std::string_view kPdmLockType = "pdm-lock";
inline constexpr int kPdmLockParserVersion = 1;
base::Result<Parsed> ParsePdmLock(const ParseInput& input);

// uv.lock (TOML `[[package]]`).
inline constexpr std::string_view kUvLockType = "uv-lock";
inline constexpr int kUvLockParserVersion = 1;
base::Result<Parsed> ParseUvLock(const ParseInput& input);

}  // namespace assay::inventory
