// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// dpkg databases: bytes in, packages out.
//
// ParseDpkgStatus reads the RFC 822-style stanza format that dpkg keeps in var/lib/dpkg/status,
// that distroless images keep one file per package in var/lib/dpkg/status.d/, and that opkg keeps
// in usr/lib/opkg/status. Stanzas are separated by blank lines; a line starting with a space or a
// tab continues the previous field; field names are matched case-insensitively. Pure functions:
// thread-safe, no state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// Registry entry: `--lockfile dpkg-status:FILE`. Bump when the same input yields different
// packages.
inline constexpr std::string_view kDpkgStatusType = "dpkg-status";
inline constexpr int kDpkgStatusParserVersion = 1;

// One package per installed stanza:
//  - name = Package, version = Version (as written), arch = Architecture;
//  - "Source: name (version)" gives source_name and source_version; "Source: name" gives
//    source_name only (the source version is then the binary Version, which the matcher uses
//    when source_version is empty); source_name is left empty when it equals the name;
//  - ecosystem = input.ecosystem, or "Debian" when empty; package_manager = "dpkg";
//    path = input.path;
//  - purl = pkg:deb/<ns>/<name>@<version>?arch=<arch>&distro=<ns>-<release>, where <ns> is the
//    lower-cased ecosystem base ("debian", "ubuntu") and <release> the ecosystem's release
//    ("Debian:12" -> distro=debian-12, "Ubuntu:22.04:LTS" -> distro=ubuntu-22.04); the distro
//    qualifier is left out when the ecosystem has no release.
//
// Installed means the third word of Status (dpkg's current state) is "installed",
// "triggers-awaited" or "triggers-pending", whatever the wanted state ("hold ok installed" and
// "deinstall ok installed" count; "deinstall ok config-files", "install ok unpacked",
// "install reinstreq half-installed" do not). A stanza without Status counts as installed when
// input.path lies in a status.d directory or no stanza of the input has a Status field (a
// distroless control file); inside a status database dpkg reads a missing Status as
// not-installed, and so does this parser.
//
// Warnings (location "<path>:<line>"): a stanza without Package, or an installed one without
// Version (skipped; a not-installed stanza may lack Version silently), a line that is not
// "Field: value", a malformed Status (not installed) or Source (ignored), a missing Status inside
// a status database, a duplicated field (the first one is used), a Version dpkg would reject
// (the package is kept). At most 100 warnings are listed, then one that counts the rest.
//
// Fails with InvalidArgument when the input holds text but not a single "Field: value" line
// (not a dpkg database at all). Empty input is an empty database: no packages, no error.
base::Result<Parsed> ParseDpkgStatus(const ParseInput& input);

// Parses var/lib/dpkg/info/<package>[:<arch>].list: one absolute path per line, files and
// directories alike. Returns the paths relative to the root, without the leading '/', in file
// order ("/usr/bin/curl" -> "usr/bin/curl"); the root itself ("/.") and empty lines are left
// out. Every input is accepted. The paths are views into `bytes`.
std::vector<std::string_view> ParseDpkgFileList(std::string_view bytes);

}  // namespace assay::inventory
