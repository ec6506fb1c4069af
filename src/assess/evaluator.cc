// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "assess/evaluator.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "advisories/import.h"
#include "match/engine.h"
#include "match/matcher.h"
#include "model/ecosystem.h"

namespace assay::assess {

namespace {

constexpr size_t kChunk = 2000;
constexpr size_t kMaxWarnings = 200;

void AddWarnings(EvalStats& stats, std::vector<model::InventoryWarning> ws) {
  for (auto& w : ws) {
    if (stats.warnings.size() >= kMaxWarnings) return;
    bool dup = std::any_of(stats.warnings.begin(), stats.warnings.end(), [&](const auto& o) {
      return o.location == w.location && o.message == w.message;
    });
    if (!dup) stats.warnings.push_back(std::move(w));
  }
}

model::Package ToPackage(const findings::InternedPackage& ip) {
  model::Package p;
  p.ecosystem = ip.ecosystem;
  p.name = ip.name;
  p.version = ip.version;
  p.source_name = ip.source_name;
  p.source_version = ip.source_version;
  return p;
}

}  // namespace

Evaluator::Evaluator(findings::Store& store, const advisories::AdvisoryDb& db)
    : store_(store), db_(db) {}

base::Status Evaluator::Init() {
  ASSAY_ASSIGN_OR_RETURN(auto info, db_.GetBuildInfo());
  build_id_ = info.build_id;
  return base::Status::Ok();
}

base::Result<std::vector<findings::PackageMatches>> Evaluator::Match(
    std::span<const findings::InternedPackage> packages, EvalStats* stats) const {
  std::vector<findings::PackageMatches> out;
  out.reserve(packages.size());
  // One inventory per match context; the packages' own ecosystems say the rest.
  std::map<std::string, std::vector<size_t>> by_context;
  for (size_t i = 0; i < packages.size(); ++i) by_context[packages[i].context].push_back(i);
  for (const auto& [context, idx] : by_context) {
    model::Inventory inv;
    inv.os.ubuntu_pro = context == "pro";
    inv.packages.reserve(idx.size());
    // (ecosystem, name, version, source name, source version) → the output slot.
    using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
    std::map<Key, size_t> slot;
    for (size_t i : idx) {
      const auto& ip = packages[i];
      inv.packages.push_back(ToPackage(ip));
      findings::PackageMatches m;
      m.pkg = ip.pk;
      for (const match::Query& q : match::QueryFor(inv.packages.back(), inv.os)) {
        std::string base(model::SplitEcosystem(q.ecosystem).base);
        m.keys.push_back({base, advisories::PackageNameKey(base, q.name)});
      }
      slot[{ip.ecosystem, ip.name, ip.version, ip.source_name, ip.source_version}] = out.size();
      out.push_back(std::move(m));
    }
    match::MatchOptions mo;
    mo.resource_id = "interned";
    ASSAY_ASSIGN_OR_RETURN(match::MatchResult r, match::MatchInventory(inv, db_, mo));
    if (stats) {
      stats->packages_matched += static_cast<std::int64_t>(idx.size());
      AddWarnings(*stats, std::move(r.warnings));
    }
    for (model::Finding& f : r.findings) {
      const auto& vps = f.package_vulnerability_details.vulnerable_packages;
      if (vps.empty()) continue;
      const auto& vp = vps[0];
      auto it = slot.find({vp.ecosystem, vp.name, vp.version, vp.source_name, vp.source_version});
      if (it == slot.end()) {
        // The finding may state the source only when it differs from the binary; fall back to
        // the first package with that ecosystem, name and version.
        for (auto j = slot.begin(); j != slot.end(); ++j) {
          const auto& [eco, name, version, sn, sv] = j->first;
          if (eco == vp.ecosystem && name == vp.name && version == vp.version) {
            it = j;
            break;
          }
        }
      }
      if (it == slot.end()) continue;
      std::string vid = f.package_vulnerability_details.vulnerability_id;
      out[it->second].vulns.push_back({std::move(vid), std::move(f)});
    }
  }
  return out;
}

base::Status Evaluator::MatchAndApply(std::span<const findings::InternedPackage> packages,
                                      std::string_view now, EvalStats& stats) {
  for (size_t at = 0; at < packages.size(); at += kChunk) {
    auto chunk = packages.subspan(at, std::min(kChunk, packages.size() - at));
    ASSAY_ASSIGN_OR_RETURN(auto matches, Match(chunk, &stats));
    ASSAY_ASSIGN_OR_RETURN(findings::ChangeStats c, store_.ApplyMatches(matches, build_id_, now));
    stats.changes += c;
  }
  return base::Status::Ok();
}

base::Result<SubmitResult> Evaluator::Submit(const findings::ResourceInput& resource,
                                             const model::Inventory& inventory,
                                             std::string_view now) {
  SubmitResult out;
  ASSAY_ASSIGN_OR_RETURN(findings::PutInventoryResult put,
                         store_.PutInventory(resource, inventory, build_id_, now));
  if (put.unchanged) {
    // What an agent sends every cycle: nothing to match or reconcile; PutInventory recorded it.
    out.stats.changes.events = 1;
    out.resource = std::move(put.resource);
    return out;
  }
  ASSAY_RETURN_IF_ERROR(MatchAndApply(put.unmatched, now, out.stats));
  ASSAY_ASSIGN_OR_RETURN(findings::ChangeStats c,
                         store_.ReconcileResource(put.resource.pk, build_id_, now));
  out.stats.changes += c;
  out.resource = std::move(put.resource);
  out.resource.evaluated_at = std::string(now);
  out.resource.evaluated_build = build_id_;
  return out;
}

base::Result<EvalStats> Evaluator::ApplyDbChange(const advisories::AdvisoryDb& old_db,
                                                 std::string_view now) {
  EvalStats stats;
  ASSAY_ASSIGN_OR_RETURN(auto old_info, old_db.GetBuildInfo());
  ASSAY_ASSIGN_OR_RETURN(advisories::DbDiff diff, advisories::DiffDbs(old_db, db_));
  std::vector<std::string> ids;
  for (auto* list : {&diff.added, &diff.changed, &diff.withdrawn, &diff.removed}) {
    ids.insert(ids.end(), list->begin(), list->end());
  }
  stats.advisories_changed = static_cast<std::int64_t>(ids.size());
  std::set<std::pair<std::string, std::string>> keys;
  for (const advisories::AdvisoryDb* db : {&old_db, &db_}) {
    ASSAY_ASSIGN_OR_RETURN(auto ks, db->AffectedKeys(ids));
    for (auto& k : ks) keys.emplace(std::move(k.ecosystem_base), std::move(k.name_key));
  }
  stats.keys_touched = static_cast<std::int64_t>(keys.size());
  std::vector<findings::PackageKey> pkeys;
  pkeys.reserve(keys.size());
  for (const auto& [b, n] : keys) pkeys.push_back({b, n});
  ASSAY_ASSIGN_OR_RETURN(auto packages, store_.PackagesByKeys(pkeys));
  ASSAY_RETURN_IF_ERROR(MatchAndApply(packages, now, stats));
  ASSAY_RETURN_IF_ERROR(store_.MarkAllMatched(old_info.build_id, build_id_));
  // Packages never matched (or matched against some other build) are matched now too.
  for (std::int64_t after = 0;;) {
    ASSAY_ASSIGN_OR_RETURN(auto rest, store_.PackagesNotMatched(build_id_, after, kChunk));
    if (rest.empty()) break;
    after = rest.back().pk;
    ASSAY_RETURN_IF_ERROR(MatchAndApply(rest, now, stats));
  }
  ASSAY_RETURN_IF_ERROR(store_.PutMeta("advisory_build", build_id_));
  return stats;
}

base::Result<EvalStats> Evaluator::RematchAll(std::string_view now) {
  EvalStats stats;
  for (std::int64_t after = 0;;) {
    ASSAY_ASSIGN_OR_RETURN(auto packages, store_.PackagesAfter(after, kChunk));
    if (packages.empty()) break;
    after = packages.back().pk;
    ASSAY_RETURN_IF_ERROR(MatchAndApply(packages, now, stats));
  }
  ASSAY_RETURN_IF_ERROR(store_.PutMeta("advisory_build", build_id_));
  return stats;
}

}  // namespace assay::assess
