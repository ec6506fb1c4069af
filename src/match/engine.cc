// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "match/engine.h"

#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <utility>

#include "match/findings.h"
#include "match/matcher.h"

namespace assay::match {
namespace {

std::string NowRfc3339() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Drops exact duplicates, keeping the first of each.
void Dedupe(std::vector<model::InventoryWarning>& warnings) {
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<model::InventoryWarning> out;
  for (auto& w : warnings) {
    if (seen.insert({w.location, w.message}).second) out.push_back(std::move(w));
  }
  warnings = std::move(out);
}

}  // namespace

base::Result<MatchResult> MatchInventory(const model::Inventory& inv,
                                         const advisories::AdvisoryDb& db,
                                         const MatchOptions& opts) {
  MatchResult result;
  const FindingContext ctx{opts.resource_id,
                           opts.observed_at.empty() ? NowRfc3339() : opts.observed_at};

  // Plan: which packages are matchable, and the distinct lookups they need.
  std::map<std::pair<std::string, std::string>, std::size_t> unmatchable;  // (eco, why) → count
  std::vector<std::vector<Query>> queries(inv.packages.size());
  std::vector<bool> skip(inv.packages.size(), false);
  std::map<Query, std::vector<advisories::AffectedEntry>> entries;
  for (std::size_t i = 0; i < inv.packages.size(); ++i) {
    const model::Package& pkg = inv.packages[i];
    if (auto why = UnmatchableEcosystem(pkg)) {
      ++unmatchable[{pkg.ecosystem, *why}];
      skip[i] = true;
      continue;
    }
    queries[i] = QueryFor(pkg, inv.os);
    for (const Query& q : queries[i]) entries.try_emplace(q);
  }
  for (const auto& [key, count] : unmatchable) {
    result.warnings.push_back(
        {key.first, std::to_string(count) + (count == 1 ? " package" : " packages") + " of " +
                        (key.first.empty() ? std::string("no ecosystem") : "'" + key.first + "'") +
                        " not matched: " + key.second});
  }

  for (auto& [q, list] : entries) {
    ASSAY_ASSIGN_OR_RETURN(list, db.Lookup(q.ecosystem, q.name, q.scope));
  }
  result.lookups = entries.size();

  struct Pending {
    std::size_t package;
    PackageMatch match;
  };
  std::vector<Pending> pending;
  std::vector<advisories::AffectedEntry> joined;
  for (std::size_t i = 0; i < inv.packages.size(); ++i) {
    const model::Package& pkg = inv.packages[i];
    if (skip[i]) continue;
    ++result.packages_matched;
    std::span<const advisories::AffectedEntry> span;
    if (queries[i].size() == 1) {
      span = entries[queries[i].front()];
    } else {
      joined.clear();
      for (const Query& q : queries[i]) {
        const auto& list = entries[q];
        joined.insert(joined.end(), list.begin(), list.end());
      }
      span = joined;
    }
    for (PackageMatch& m : MatchPackage(pkg, inv.os, span, &result.warnings)) {
      pending.push_back({i, std::move(m)});
    }
  }

  // Details of every matched advisory, fetched once.
  AdvisoryDetailsMap details;
  for (const Pending& p : pending) {
    for (const MatchedAdvisory& a : p.match.advisories) {
      if (details.count(a.id) != 0) continue;
      auto stored = db.Get(a.id);
      if (!stored.ok()) {
        result.warnings.push_back(
            {a.id, "advisory details unavailable: " + stored.status().ToString()});
        details.emplace(a.id, AdvisoryDetails{});  // do not ask again
        continue;
      }
      details.emplace(a.id, AdvisoryDetails{std::move(stored->advisory)});
    }
  }
  result.advisories = details.size();

  // KEV and NVD data of every CVE id the matches name, fetched once.
  CveEnrichmentMap cves;
  for (const Pending& p : pending) {
    for (const std::string& cve : p.match.cve_ids) {
      if (cves.count(cve) != 0) continue;
      CveEnrichment e;
      ASSAY_ASSIGN_OR_RETURN(e.kev, db.Kev(cve));
      ASSAY_ASSIGN_OR_RETURN(e.nvd, db.Nvd(cve));
      cves.emplace(cve, std::move(e));
    }
  }
  result.cves = cves.size();

  for (const Pending& p : pending) {
    ASSAY_ASSIGN_OR_RETURN(model::Finding f,
                           BuildFinding(inv.packages[p.package], p.match, details, cves, ctx));
    result.findings.push_back(std::move(f));
  }
  SortFindings(result.findings);
  Dedupe(result.warnings);
  return result;
}

}  // namespace assay::match
