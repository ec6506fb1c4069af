// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The matcher's pure core: which advisory lookups a package needs (QueryFor), and which of the
// affected entries returned for them make the package vulnerable (MatchPackage). Nothing here
// touches the advisory DB: the engine (engine.h) runs the queries and hands the entries back, as
// in claircore's driver.Matcher (STYLE.md convention 8). The rules are DESIGN.md §5:
//
//  OS packages (model::IsOsEcosystem) match only their own distribution's advisories for their
//  own release, never language or upstream advisories:
//    Debian, Ubuntu      the SOURCE package name (Package::source_name, else name) and the
//                        source version when dpkg's `Source:` stated one (source_version), else
//                        the binary version. Ubuntu Pro ecosystems ("Ubuntu:Pro:18.04:LTS") are
//                        accepted only when OsInfo::ubuntu_pro; without it an Ubuntu fix
//                        version carrying "+esm" is no fix the host can install (the package
//                        stays affected, the fix is reported as pro_fixed_version).
//    Alpine, Wolfi,      the origin (source_name, else name) with the package's own version.
//    Chainguard
//    AlmaLinux, Rocky    the BINARY rpm name: their OSV records list every binary rpm of an
//    Linux, Red Hat      erratum ("openssl", "openssl-libs", ...), never the source rpm. Full
//                        epoch:version-release. Red Hat ecosystems name one repository each
//                        ("Red Hat:enterprise_linux:9::baseos"): the package's ecosystem
//                        ("Red Hat:enterprise_linux:9") is compared as a prefix ending at ':'.
//    SUSE, openSUSE      the binary rpm name, version-release WITHOUT the epoch (their
//                        advisories omit epochs).
//    openEuler, Mageia   the source rpm name (else the binary name), version-release without
//                        the epoch.
//    Photon OS           both the binary and the source rpm name, without the epoch.
//  An OS package whose ecosystem names no release ("Debian" from a tree whose OS is unknown) is
//  not matched: one warning, no findings. Rolling distributions (Wolfi, Chainguard) have none.
//
//  Language packages match their ecosystem (any release suffix) by name as the DB normalises
//  it (advisories::PackageNameKey: PEP 503 for PyPI, Maven "group:artifact").
//
//  For every package: withdrawn advisories are ignored; an affected entry without a `fixed`
//  event closing the version's interval (open range, last_affected, `versions` list) makes the
//  package affected without a fix; unevaluable ranges become one warning per advisory (never a
//  widened match); an empty version, or one the ecosystem's scheme does not parse, becomes a
//  warning naming the package, version and file and is never matched.
//
//  Advisories matched for one package whose ids or aliases overlap are merged into one
//  PackageMatch (union-find). A distribution record named after one CVE ("UBUNTU-CVE-2019-1543",
//  "ALPINE-CVE-2016-2177", "DEBIAN-CVE-...") counts as an alias of that CVE. The headline id is
//  the CVE when the group's ids and aliases hold exactly one, else the smallest record id.
//
// All functions are pure and thread-safe.
#pragma once

#include <compare>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "advisories/db.h"
#include "model/inventory.h"
#include "model/osv.h"
#include "model/package.h"

namespace assay::match {

// One advisory lookup the engine performs for a package.
struct Query {
  std::string ecosystem;  // passed to AdvisoryDb::Lookup
  std::string name;
  advisories::LookupScope scope = advisories::LookupScope::kExact;

  friend bool operator==(const Query&, const Query&) = default;
  friend std::strong_ordering operator<=>(const Query&, const Query&) = default;
};

// Why `pkg` cannot be matched at all because of its ecosystem (an OS ecosystem without a
// release; an ecosystem assay has no version scheme for), or nullopt. The engine reports these
// once per ecosystem rather than once per package.
std::optional<std::string> UnmatchableEcosystem(const model::Package& pkg);

// The lookups `pkg` needs, sorted and unique. Empty when the package cannot be matched (see
// UnmatchableEcosystem; an empty version): MatchPackage then says why.
std::vector<Query> QueryFor(const model::Package& pkg, const model::OsInfo& os);

// One advisory that affects the package, with what its matching entries said.
struct MatchedAdvisory {
  std::string id;
  std::string source;  // the feed ("Debian")
  std::string modified;
  std::vector<std::string> aliases;
  std::vector<std::string> related;
  std::vector<model::OsvSeverity> severity;  // advisory-level
  std::string database_specific;             // advisory-level raw JSON, or ""
  // Of the affected entries that matched (in entry order): their ecosystems, severities and
  // raw ecosystem_specific/database_specific objects (Ubuntu's tracker status lives there).
  std::vector<std::string> ecosystems;
  std::vector<model::OsvSeverity> affected_severity;
  std::vector<std::string> affected_specific;  // non-empty raw JSON objects
  // The lowest `fixed` version closing the installed version's interval over the matching
  // entries; empty when none names a fix.
  std::string fixed_version;
  // Ubuntu without Ubuntu Pro: the lowest "+esm" fix, withheld from fixed_version.
  std::string pro_fixed_version;
};

// One finding-to-be: a group of merged advisories affecting one package.
struct PackageMatch {
  std::string vulnerability_id;  // headline id (see above)
  // Every other id, alias and related id of the group, sorted, unique, without the headline.
  std::vector<std::string> related_ids;
  // Every CVE id named by the group (ids, aliases, related, CVE-named record ids), sorted.
  std::vector<std::string> cve_ids;
  std::vector<MatchedAdvisory> advisories;  // sorted by id
  std::string fixed_version;                // lowest fix across the group; "" = none known
  std::string pro_fixed_version;            // lowest Ubuntu Pro-only fix (see above)
  std::string matched_name;     // the name the advisories were matched on (source for dpkg/apk)
  std::string matched_version;  // the version compared (source version, epoch stripped, ...)
};

// Matches `pkg` against `entries` (what the engine's lookups for QueryFor(pkg, os) returned;
// entries for other ecosystems, releases or names are ignored, so passing more is safe). Returns
// the matches sorted by vulnerability_id. Problems (unmatchable package, bad version, unevaluable
// ranges) are appended to `warnings` when it is not null: package problems are located at the
// package's file, range problems at the advisory id.
std::vector<PackageMatch> MatchPackage(const model::Package& pkg, const model::OsInfo& os,
                                       std::span<const advisories::AffectedEntry> entries,
                                       std::vector<model::InventoryWarning>* warnings);

// The CVE id a distribution record is named after ("UBUNTU-CVE-2019-1543" → "CVE-2019-1543"),
// or "" when `id` is not of the form <PREFIX>-CVE-<year>-<number>.
std::string CveNamedBy(std::string_view id);

// True for "CVE-<4 digits>-<4 or more digits>".
bool IsCveId(std::string_view id);

}  // namespace assay::match
