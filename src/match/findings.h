// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Turning a PackageMatch (matcher.h) into a model::Finding: headline, severity, CVSS records,
// fix, remediation, KEV, stable id. Pure functions, thread-safe; the engine (engine.h) supplies
// the advisory details it fetched from the DB.
//
// Severity (DESIGN.md §5): the distribution's own rating when it has one, else the best CVSS,
// else UNTRIAGED.
//   Distribution ratings, OS packages only (the highest of the group's advisories wins):
//     Ubuntu     a `severity` entry of type "Ubuntu" (advisory or affected level), else
//                database_specific.priority (Ubuntu CVE tracker priority: negligible, low,
//                medium, high, critical; "untriaged" is no rating).
//     AlmaLinux, Rocky Linux, Red Hat
//                a "severity" string in database_specific / ecosystem_specific, else the
//                rating that starts the summary ("Important: openssl security update"; the
//                AlmaLinux OSV data has no other severity field at all).
//     any other distribution
//                a "severity" string in database_specific / ecosystem_specific (the Debian
//                DSA/DLA and Alpine records of the shared mirror have none).
//   CVSS: every vector among the group's OSV severities (advisory and affected level) and the
//   NVD vectors of the group's CVE ids; the best is the highest version (v4.0 > v3.1 > v3.0 >
//   v2), then the highest base score, then the advisory's own before NVD's. Its base score
//   rated under its version's bands gives the severity, and `score` is that base score (score
//   stays empty when a distribution rating decided). Every parsable vector is kept in
//   details.cvss with its source ("OSV:<advisory id>" or "NVD:<CVE id>").
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "advisories/feed.h"
#include "base/status.h"
#include "match/matcher.h"
#include "model/finding.h"
#include "model/osv.h"
#include "model/package.h"

namespace assay::match {

// What the DB knows about one advisory beyond its affected entries (AdvisoryDb::Get): summary,
// details, references, published and modified times.
struct AdvisoryDetails {
  model::Advisory advisory;
};
using AdvisoryDetailsMap = std::map<std::string, AdvisoryDetails, std::less<>>;

// Enrichment of one CVE id (AdvisoryDb::Kev and ::Nvd).
struct CveEnrichment {
  std::optional<advisories::KevEntry> kev;
  std::optional<advisories::NvdCvss> nvd;
};
using CveEnrichmentMap = std::map<std::string, CveEnrichment, std::less<>>;

struct FindingContext {
  std::string resource_id;  // part of the finding id
  std::string observed_at;  // RFC 3339: firstObservedAt, lastObservedAt, updatedAt
};

// A distribution's own rating: the value as written and what it means.
struct VendorRating {
  std::string raw;
  model::Severity severity = model::Severity::kUntriaged;
};

// The distribution rating of one matched advisory for a package of `ecosystem_base`, or nullopt.
// `details` may be null (then only the entry's fields are consulted).
std::optional<VendorRating> VendorSeverity(std::string_view ecosystem_base,
                                           const MatchedAdvisory& advisory,
                                           const model::Advisory* details);

// Builds the finding. Advisories missing from `details` contribute only what their entries
// carry (no summary, references or dates); CVE ids of the match missing from `cves` have no KEV
// or NVD data. KEV: exploit_available when any CVE id of the match is in KEV, kev_date_added the
// latest date one was added. Fails only when hashing fails (Internal) or `match` is empty.
base::Result<model::Finding> BuildFinding(const model::Package& pkg, const PackageMatch& match,
                                          const AdvisoryDetailsMap& details,
                                          const CveEnrichmentMap& cves, const FindingContext& ctx);

// The stable finding id: SHA-256 hex of the resource id, vulnerability id and the package's
// ecosystem, name, version and path.
base::Result<std::string> FindingId(std::string_view resource_id, std::string_view vulnerability_id,
                                    const model::Package& pkg);

// Deterministic order: severity (highest first), vulnerability id, package name, version,
// path, ecosystem, finding id.
void SortFindings(std::vector<model::Finding>& findings);

}  // namespace assay::match
