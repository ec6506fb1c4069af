// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The matching engine: runs the lookups the matcher asks for (matcher.h QueryFor) against the
// advisory DB, each distinct (ecosystem, name, scope) once however many packages need it (the
// binary packages of one Debian source package share their lookups), hands the entries to
// MatchPackage, fetches the details of every matched advisory once (AdvisoryDb::Get: summary,
// references, dates) and the KEV and NVD data of every CVE id the matches name once
// (AdvisoryDb::Kev, ::Nvd), and builds the findings (findings.h).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "advisories/db.h"
#include "base/status.h"
#include "model/finding.h"
#include "model/inventory.h"

namespace assay::match {

struct MatchOptions {
  std::string resource_id;  // what was assessed; part of every finding id
  // RFC 3339 time of the observation (first/last observed, updated); empty means now (UTC).
  std::string observed_at;
};

struct MatchResult {
  // Sorted: severity (highest first), vulnerability id, package name, version, path.
  std::vector<model::Finding> findings;
  // Packages that could not be matched (one warning per ecosystem for a whole ecosystem, e.g.
  // an unknown OS release; one per package for a bad version) and advisories whose ranges could
  // not be evaluated (one per advisory). Exact duplicates are dropped; first-seen order.
  std::vector<model::InventoryWarning> warnings;
  std::size_t packages_matched = 0;  // packages that were looked up
  std::size_t lookups = 0;           // distinct DB lookups run
  std::size_t advisories = 0;        // distinct advisories fetched for details
  std::size_t cves = 0;              // distinct CVE ids looked up in KEV and NVD
};

// Matches every package of `inv`. Fails only when the DB fails (a lookup error, a KEV/NVD
// query error); an advisory
// whose details cannot be read becomes a warning and its finding is built without them.
// Thread-safe as far as `db` is (AdvisoryDb serialises its calls).
base::Result<MatchResult> MatchInventory(const model::Inventory& inv,
                                         const advisories::AdvisoryDb& db,
                                         const MatchOptions& opts);

}  // namespace assay::match
