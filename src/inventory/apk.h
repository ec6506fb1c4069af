// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The apk installed database (lib/apk/db/installed): bytes in, packages out. The file is a list
// of records separated by blank lines; each line of a record is "X:value" with a one-letter key
// (apk-tools' "installed database" format: P name, V version, A arch, o origin, c commit,
// F directory, R file in the last F directory, a/M/Z attributes and checksums, ...). Pure
// functions: thread-safe, no state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// Registry entry: `--lockfile apk-installed:FILE`. Bump when the same input yields different
// packages.
inline constexpr std::string_view kApkInstalledType = "apk-installed";
inline constexpr int kApkInstalledParserVersion = 1;

// One package per record that has both a P: and a V: line:
//  - name = P, version = V (as written, "1.2.3-r0"), arch = A;
//  - source_name = o (origin), left empty when it equals the name or is absent;
//    source_version stays empty (the origin is built at the same version);
//  - ecosystem = input.ecosystem, or "Alpine" when empty; package_manager = "apk";
//    path = input.path;
//  - purl = pkg:apk/<ns>/<name>@<version>?arch=<arch>, <ns> being the lower-cased ecosystem
//    base ("alpine"; "wolfi" and "chainguard" for those ecosystems).
// Every record in the database is installed (apk keeps no other state there).
//
// Warnings (location "<path>:<line>"): a record without P: or V: (skipped), a line that is not
// "X:value", a duplicated P:/V:/A:/o: in one record (the first is used), a version apk would
// reject (the package is kept). At most 100 warnings are listed, then one that counts the rest.
//
// Fails with InvalidArgument when the input holds text but not a single "X:value" line (not an
// apk database at all). Empty input is an empty database.
base::Result<Parsed> ParseApkInstalled(const ParseInput& input);

// The files each installed package owns, for telling OS-owned files from others.
struct ApkOwnedFiles {
  std::string name;     // P:
  std::string version;  // V: ("" when the record has none)
  // "F:dir" + "R:file" joined as "dir/file", relative to the root without a leading '/', in
  // record order ("usr/bin/ssl_client"). Directories themselves (F: alone) are not listed.
  std::vector<std::string> files;
};

// Lists the owned files of every record that has a P: line, in file order. Fails like
// ParseApkInstalled on input that is not an apk database.
base::Result<std::vector<ApkOwnedFiles>> ParseApkOwnedFiles(std::string_view bytes);

}  // namespace assay::inventory
