// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Python: installed metadata and lockfiles. Bytes in, packages out
// (see parser.h): each function is pure and thread-safe and never opens a file (the files a
// format refers to come through ParseInput::siblings). Every package carries ecosystem, name,
// version, purl (internal::LanguagePurl), path = input.path (or that of the referenced file it
// was found in), package_manager, and dev = true when the file marks it development-only.
#pragma once

#include <string_view>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` or an `.egg-info` file (RFC 822 headers up to
// the first blank line; Name and Version, case-insensitive, first occurrence wins), or a wheel /
// egg archive (zip) holding one. Names as written; package_manager "pip". Input without a Name or
// Version header (an empty file, JSON, ...) is an error.
inline constexpr std::string_view kPythonMetadataType = "python-metadata";
inline constexpr int kPythonMetadataParserVersion = 1;
base::Result<Parsed> ParsePythonMetadata(const ParseInput& input);

// requirements.txt: pinned `name==version` lines (also `===`), names as written (not PEP 503
// normalised), after pip's line handling (backslash continuations, `#` comments, per-requirement
// options such as `--hash`, markers after `;`, extras). Unpinned requirements (no specifier,
// `>=`, `~=`, `==1.*`), URL / path / VCS requirements, `-e` lines and `${VAR}` versions are
// warnings, not packages: a guessed version would make false findings. UTF-8 / UTF-16 byte order
// marks are honoured. package_manager "pip".
// Includes are followed through ParseInput::siblings the way pip follows them: `-r FILE` adds
// FILE's requirements, `-c FILE` its pins as constraints (a constraint adds no package; it gives
// its version to a requirement of the same PEP 503 name that has none), both relative to the
// including file (an absolute name as the reader maps it); files pulled in by a constraints
// file are constraints too. Each file is read once per role (cycles end), at most 16 includes
// deep and 256 files per parse. A package found in an included file carries that file's path
// (SiblingFiles::Name), each (PEP 503 name, version) is reported once, and warnings name the
// file and line they are about. An include that cannot be read (absent, a URL, outside what the
// reader serves, too deep) is a warning naming the including file and line; without a reader a
// `-r` is such a warning and a `-c` is ignored.
inline constexpr std::string_view kRequirementsTxtType = "requirements-txt";
inline constexpr int kRequirementsTxtParserVersion = 2;
base::Result<Parsed> ParseRequirementsTxt(const ParseInput& input);

// poetry.lock (TOML `[[package]]`). dev: `category = "dev"` (Poetry < 1.2) or `groups` without
// "main". package_manager "poetry".
inline constexpr std::string_view kPoetryLockType = "poetry-lock";
inline constexpr int kPoetryLockParserVersion = 1;
base::Result<Parsed> ParsePoetryLock(const ParseInput& input);

// Pipfile.lock (JSON `default` / `develop`; develop entries, and those of custom categories, are
// dev unless also in `default`). Versions are "==x"; entries without one (git, path) are
// warnings. package_manager "pipenv".
inline constexpr std::string_view kPipfileLockType = "pipfile-lock";
inline constexpr int kPipfileLockParserVersion = 1;
base::Result<Parsed> ParsePipfileLock(const ParseInput& input);

// pdm.lock (TOML `[[package]]`). dev: `groups` without "default". package_manager "pdm".
inline constexpr std::string_view kPdmLockType = "pdm-lock";
inline constexpr int kPdmLockParserVersion = 1;
base::Result<Parsed> ParsePdmLock(const ParseInput& input);

// uv.lock (TOML `[[package]]`). The project and workspace members (`source = { virtual = ... }`
// or `{ editable = ... }`) are not packages; dev: reachable only through the projects'
// `dev-dependencies` groups. package_manager "uv".
inline constexpr std::string_view kUvLockType = "uv-lock";
inline constexpr int kUvLockParserVersion = 1;
base::Result<Parsed> ParseUvLock(const ParseInput& input);

}  // namespace assay::inventory
