// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// RPM package parsers: the three rpm database backends and single .rpm files, bytes in,
// packages out (see parser.h). Each database parser pulls the header blobs out of its container
// format and hands them to rpm_header.h; each good header becomes one model::Package:
//
//   ecosystem        input.ecosystem, or "RPM" when the collector does not know the distribution
//   name             NAME
//   version          "[EPOCH:]VERSION-RELEASE" (the epoch only when the header has an EPOCH tag)
//   source_name      the name inside SOURCERPM ("glibc" for glibc-2.34-60.el9.src.rpm); empty
//                    when it equals `name` (model::Package's convention)
//   source_version   empty: a binary rpm always has its source rpm's version-release
//   arch             ARCH, or "src" for a source package (no SOURCERPM tag, as rpm decides)
//   purl             pkg:rpm/<distro>/<name>@<version>-<release>?arch=<arch>&epoch=<epoch>
//                    (<distro> = the lower-cased ecosystem base, "rpm" without one; qualifiers
//                    sorted, absent ones left out)
//   path             input.path
//   package_manager  "rpm"
//
// gpg-pubkey pseudo-packages (imported signing keys) are skipped. A header that does not parse
// becomes a warning located at "<path>: header <instance number>" and the rest goes on; a parser
// fails only when the container itself is unusable. Packages come out sorted by the database's
// instance number (install order), so the same database yields the same list in any backend.
//
// All functions are pure and thread-safe; none opens a file (ParseRpmdbSqlite deserializes the
// bytes into a private read-only in-memory SQLite connection).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// Registry names (`--lockfile TYPE:FILE`) and parser versions (bump when the same input yields
// different packages).
inline constexpr std::string_view kRpmdbSqliteType = "rpmdb-sqlite";
inline constexpr int kRpmdbSqliteParserVersion = 1;
inline constexpr std::string_view kRpmdbBdbType = "rpmdb-bdb";
inline constexpr int kRpmdbBdbParserVersion = 1;
inline constexpr std::string_view kRpmdbNdbType = "rpmdb-ndb";
inline constexpr int kRpmdbNdbParserVersion = 1;
inline constexpr std::string_view kRpmFileType = "rpm-file";
inline constexpr int kRpmFileParserVersion = 1;

// rpmdb.sqlite (rpm >= 4.16; RHEL 9, Fedora 33+, AlmaLinux/Rocky 9): `--lockfile rpmdb-sqlite`.
base::Result<Parsed> ParseRpmdbSqlite(const ParseInput& input);
// Berkeley DB hash `Packages` (rpm < 4.16; RHEL/CentOS <= 8, older SUSE): `--lockfile rpmdb-bdb`.
base::Result<Parsed> ParseRpmdbBdb(const ParseInput& input);
// ndb `Packages.db` (SUSE since 15 SP3 / Tumbleweed): `--lockfile rpmdb-ndb`.
base::Result<Parsed> ParseRpmdbNdb(const ParseInput& input);
// One package file, binary or source (lead, signature header, main header): `--lockfile rpm-file`.
base::Result<Parsed> ParseRpmFile(const ParseInput& input);

// ---- Lower level: the container readers the parsers are built on (exposed for tests/tools).
//
// Each calls `on_blob` once per stored header blob, in storage order; the view is valid only
// during the call. Structural problems that lose single records are appended to `problems`
// (may be null) and reading goes on; an unusable container is the returned error.

using RpmdbBlobFn = std::function<void(uint64_t instance, std::string_view blob)>;

// SELECT hnum, blob FROM Packages. InvalidArgument when `bytes` is not an SQLite database or
// has no Packages table.
base::Status ReadRpmdbSqliteBlobs(std::string_view bytes, const RpmdbBlobFn& on_blob,
                                  std::vector<std::string>* problems);

// Every key/data pair of a Berkeley DB hash database (either byte order, hash format versions
// 7-10, on-page and overflow items). Views are valid only during the call.
struct BdbHashInfo {
  bool big_endian = false;
  uint32_t page_size = 0;
  uint32_t pages = 0;  // pages read (meta page included)
};
using BdbItemFn = std::function<void(std::string_view key, std::string_view value)>;
base::Result<BdbHashInfo> ReadBdbHash(std::string_view bytes, const BdbItemFn& on_item,
                                      std::vector<std::string>* problems);

// The rpm view of a Berkeley DB `Packages` file: keys are 4-byte instance numbers in the file's
// byte order; key 0 (rpm's next-instance counter) is skipped.
base::Status ReadRpmdbBdbBlobs(std::string_view bytes, const RpmdbBlobFn& on_blob,
                               std::vector<std::string>* problems);

// The blobs of an ndb Packages.db, by slot; `instance` is the package index.
base::Status ReadRpmdbNdbBlobs(std::string_view bytes, const RpmdbBlobFn& on_blob,
                               std::vector<std::string>* problems);

}  // namespace assay::inventory
