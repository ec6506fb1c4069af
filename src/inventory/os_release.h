// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// os-release(5) parsing: /etc/os-release or /usr/lib/os-release bytes in, the distribution and
// its OSV ecosystem out. The file is a list of shell-style assignments, KEY=value, where the value
// may be unquoted, 'single-quoted' (literal) or "double-quoted" (backslash escapes for $ " \ `),
// or a concatenation of those as in a shell. Comment lines start with '#'.
//
// Pure functions: thread-safe, no state.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace assay::inventory {

struct OsRelease {
  std::string id;                    // ID: "debian", "ubuntu", "alpine", "rhel"; "" when absent
  std::vector<std::string> id_like;  // ID_LIKE split on blanks: {"rhel", "centos", "fedora"}
  std::string name;                  // NAME: "Debian GNU/Linux"
  std::string version;               // VERSION: "22.04.4 LTS (Jammy Jellyfish)"
  std::string version_id;            // VERSION_ID: "12", "22.04", "3.19.1"
  std::string version_codename;      // VERSION_CODENAME: "bookworm"
  std::string pretty_name;           // PRETTY_NAME: "Debian GNU/Linux 12 (bookworm)"
  // The OSV ecosystem of the distribution's packages (see OsvEcosystem), "" when unknown.
  std::string ecosystem;
  // Every assignment, by key; a later assignment of the same key wins, as when a shell sources
  // the file.
  std::map<std::string, std::string> fields;
};

// Parses os-release text. Lines that are not assignments are skipped (a lenient reader is what
// the specification asks of programs that read the file). Fails with InvalidArgument only when
// the text is not empty but holds no KEY=value assignment at all. Empty text yields an empty
// OsRelease (the specification's defaults, such as ID=linux, are not filled in).
base::Result<OsRelease> ParseOsRelease(std::string_view text);

// The OSV ecosystem for a parsed os-release, or "" when the distribution has none:
//   debian           "Debian:<major of VERSION_ID>"; without VERSION_ID (testing, sid)
//                    "Debian:<VERSION_CODENAME>", else "Debian"
//   ubuntu           "Ubuntu:<VERSION_ID>", plus ":LTS" when VERSION or PRETTY_NAME says "LTS"
//                    or VERSION_ID is an even-year .04 release ("Ubuntu:22.04:LTS")
//   alpine           "Alpine:v<major>.<minor>" (VERSION_ID 3.19.1 -> "Alpine:v3.19"), else "Alpine"
//   almalinux        "AlmaLinux:<major>"
//   rocky            "Rocky Linux:<major>"
//   rhel             "Red Hat:enterprise_linux:<major>". OSV's Red Hat ecosystems name one CPE
//                    repository each ("Red Hat:enterprise_linux:9::appstream"); this is the
//                    prefix they share, which the matcher compares as a prefix.
//   opensuse-leap    "openSUSE:Leap <VERSION_ID>"; opensuse-tumbleweed "openSUSE:Tumbleweed"
//   sles, sles_sap, sled, sle-micro, sl-micro
//                    "SUSE:<PRETTY_NAME without the leading 'SUSE '>", e.g.
//                    "SUSE:Linux Enterprise Server 15 SP5"; "SUSE" without PRETTY_NAME
//   wolfi            "Wolfi"; chainguard "Chainguard" (rolling, no release)
// Only ID decides: a derivative (ID_LIKE=debian) is not assumed to share Debian's versions.
std::string OsvEcosystem(const OsRelease& os);

}  // namespace assay::inventory
