// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Continuous re-evaluation: keeps the stored findings in line with the advisory DB and the
// stored inventories (DESIGN §4).
//
//  - A new inventory (agent upload, image push, rescan): the inventory is stored interned; the
//    packages that no stored match covers for the current DB build are matched, their results
//    fan out to every resource linking them; then the resource's own findings are reconciled
//    (removed packages close their findings, lastObservedAt is refreshed).
//  - A new advisory DB build: `db diff` of the two builds gives the advisories that changed; their
//    affected entries in both builds give the (ecosystem, package name) keys they concern; only
//    the interned package versions looked up by those keys are matched again, and the difference
//    of each package's vulnerabilities fans out to the resources (new → finding.created, gone →
//    finding.closed, changed → finding.updated). Every other package's results carry over.
//  - A full rematch matches every interned package again (the same fan-out; unchanged results
//    write nothing).
//
// Matching an interned package is the scan's own matcher (match::MatchInventory) over packages
// grouped by match context, so a stored finding is exactly what `assay scan` reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "advisories/db.h"
#include "base/status.h"
#include "findings/store.h"
#include "model/inventory.h"

namespace assay::assess {

struct EvalStats {
  findings::ChangeStats changes;
  std::int64_t packages_matched = 0;              // interned packages run through the matcher
  std::int64_t advisories_changed = 0;            // DB change: advisories the diff lists
  std::int64_t keys_touched = 0;                  // DB change: (ecosystem, name) keys they concern
  std::vector<model::InventoryWarning> warnings;  // matcher warnings (deduplicated, capped)
};

struct SubmitResult {
  findings::Resource resource;
  EvalStats stats;
};

class Evaluator {
 public:
  // `db` is the current advisory DB build; both must outlive the evaluator.
  Evaluator(findings::Store& store, const advisories::AdvisoryDb& db);

  const std::string& build_id() const { return build_id_; }
  base::Status Init();  // reads the DB's build id

  // Stores a resource's inventory and evaluates it.
  base::Result<SubmitResult> Submit(const findings::ResourceInput& resource,
                                    const model::Inventory& inventory, std::string_view now);

  // Re-evaluates what changed between `old_db` and this evaluator's DB.
  base::Result<EvalStats> ApplyDbChange(const advisories::AdvisoryDb& old_db, std::string_view now);

  // Matches every interned package again against this evaluator's DB.
  base::Result<EvalStats> RematchAll(std::string_view now);

  // Matches interned packages against the DB (no store writes).
  base::Result<std::vector<findings::PackageMatches>> Match(
      std::span<const findings::InternedPackage> packages, EvalStats* stats) const;

 private:
  base::Status MatchAndApply(std::span<const findings::InternedPackage> packages,
                             std::string_view now, EvalStats& stats);

  findings::Store& store_;
  const advisories::AdvisoryDb& db_;
  std::string build_id_;
};

}  // namespace assay::assess
