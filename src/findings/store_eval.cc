// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The finding lifecycle: match results fanned out to resources, per-resource reconciliation,
// suppression, deletion, purge. Each public call is one transaction whose finding changes are
// marked with a random batch number; FinishBatch then applies suppression rules to the batch
// and writes one outbox event per changed finding, set-based.
// GCC 12 at -O2 reports std::variant<..., std::string> parameter lists built in place as
// maybe-uninitialized (a known false positive of its variant analysis).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "base/sha256.h"
#include "base/strings.h"
#include "findings/store.h"
#include "findings/store_internal.h"
#include "model/finding_json.h"

namespace assay::findings {

using internal::Params;
using sql::Value;

namespace internal {

std::string MarkChange(int b, std::string_view change) {
  std::string B = "?" + std::to_string(b);
  return "change = CASE WHEN batch = " + B + " THEN change ELSE '" + std::string(change) +
         "' END, prev_status = CASE WHEN batch = " + B +
         " THEN prev_status ELSE status END, batch = " + B;
}

base::Status ApplyRules(sql::Connection& c, const std::string& account, std::int64_t batch,
                        bool batch_only, std::string_view now) {
  struct Rule {
    std::string id;
    std::string criteria;
  };
  std::vector<Rule> rules;
  ASSAY_RETURN_IF_ERROR(c.Query(
      "SELECT id, criteria FROM suppression_rules WHERE account_id = ?1 AND (expires_at IS NULL "
      "OR expires_at > ?2) ORDER BY created_at, id",
      {Value(account), Value(std::string(now))}, [&](const sql::Row& r) {
        rules.push_back({r.Str(0), r.Str(1)});
        return true;
      }));
  for (const Rule& rule : rules) {
    auto j = nlohmann::json::parse(rule.criteria, nullptr, false);
    auto criteria = ParseFilterCriteria(j);
    if (!criteria.ok()) {
      return base::Status::Corruption("suppression rule " + rule.id +
                                      ": stored criteria: " + criteria.status().message());
    }
    Params p = {Value(batch), Value(rule.id), Value(std::string(now)), Value(account)};
    ASSAY_ASSIGN_OR_RETURN(std::string where, CriteriaSql(*criteria, c.dialect(), 5, p));
    std::string stmt = "UPDATE findings SET " + MarkChange(1, "suppression") +
                       ", status = 'SUPPRESSED', suppressed_by = ?2, updated_at = ?3 WHERE "
                       "account_id = ?4 AND status = 'ACTIVE'";
    if (batch_only) stmt += " AND batch = ?1";
    stmt += " AND (" + where + ")";
    ASSAY_RETURN_IF_ERROR(c.Exec(stmt, p).status());
  }
  return base::Status::Ok();
}

namespace {

base::Result<ChangeStats> FinishBatchImpl(sql::Connection& c, std::int64_t batch,
                                          std::string_view now, bool apply_rules) {
  if (apply_rules) {
    std::vector<std::string> accounts;
    ASSAY_RETURN_IF_ERROR(
        c.Query("SELECT DISTINCT account_id FROM findings WHERE batch = ?1 AND status = 'ACTIVE'",
                {Value(batch)}, [&](const sql::Row& r) {
                  accounts.push_back(r.Str(0));
                  return true;
                }));
    for (const auto& a : accounts) ASSAY_RETURN_IF_ERROR(ApplyRules(c, a, batch, true, now));
  }
  const std::string changed =
      "batch = ?1 AND (change IN ('created', 'detail') OR prev_status IS NULL OR "
      "prev_status <> status)";
  ASSAY_ASSIGN_OR_RETURN(
      std::int64_t events,
      c.Exec("INSERT INTO events (account_id, type, time, resource_id, finding_id, status, "
             "previous_status, severity, vuln_id, ecosystem, package_name, package_version, title, "
             "reason) SELECT account_id, CASE WHEN change = 'created' THEN 'finding.created' WHEN "
             "status = 'CLOSED' THEN 'finding.closed' ELSE 'finding.updated' END, ?2, "
             "resource_id, 'fnd-' || pk || '-' || generation, status, prev_status, severity, "
             "vuln_id, ecosystem, "
             "package_name, package_version, title, CASE WHEN status = 'CLOSED' THEN "
             "closed_reason WHEN status = 'SUPPRESSED' THEN suppressed_by ELSE change END FROM "
             "findings WHERE " +
                 changed + " ORDER BY pk",
             {Value(batch), Value(std::string(now))}));
  ChangeStats st;
  st.events = events;
  ASSAY_RETURN_IF_ERROR(
      c.Query("SELECT change, COALESCE(prev_status, ''), status, COUNT(*) FROM findings WHERE " +
                  changed + " GROUP BY change, prev_status, status",
              {Value(batch)}, [&](const sql::Row& r) {
                std::string_view change = r.Text(0), prev = r.Text(1), status = r.Text(2);
                std::int64_t n = r.Int(3);
                if (change == "created") {
                  st.created += n;
                  if (status == "SUPPRESSED") st.suppressed += n;
                } else if (change == "reopened") {
                  st.reopened += n;
                  if (status == "SUPPRESSED") st.suppressed += n;
                } else if (change == "closed") {
                  st.closed += n;
                } else if (change == "detail") {
                  st.updated += n;
                } else if (change == "suppression") {
                  if (status == "SUPPRESSED") st.suppressed += n;
                  if (prev == "SUPPRESSED" && status == "ACTIVE") st.unsuppressed += n;
                }
                return true;
              }));
  return st;
}

}  // namespace

base::Result<ChangeStats> FinishBatch(sql::Connection& c, std::int64_t batch,
                                      std::string_view now) {
  return FinishBatchImpl(c, batch, now, true);
}

}  // namespace internal

namespace {

constexpr std::string_view kInsertCols =
    "account_id, resource, pkg, vuln_id, status, change, prev_status, batch, severity, "
    "severity_rank, score, fix_available, exploit_available, epss, title, resource_id, "
    "resource_type, ecosystem, package_name, package_version, fixed_version, file_path, layer, "
    "package_manager, arch, content_hash, first_observed_at, last_observed_at, updated_at";

// SELECT list matching kInsertCols over r (resources), p (packages), pv (package_vulns) and l
// (the resource's grouped links); ?1 = batch, ?2 = now.
constexpr std::string_view kInsertSelect =
    "r.account_id, r.pk, p.pk, pv.vuln_id, 'ACTIVE', 'created', NULL, ?1, pv.severity, "
    "pv.severity_rank, pv.score, pv.fix_available, pv.exploit_available, pv.epss, pv.title, r.id, "
    "r.type, p.ecosystem, p.name, p.version, pv.fixed_version, l.path, l.layer, "
    "l.package_manager, l.arch, pv.content_hash, ?2, ?2, ?2";

constexpr std::string_view kLinkGroup =
    "SELECT resource, pkg, MIN(path) AS path, MIN(layer) AS layer, MIN(package_manager) AS "
    "package_manager, MIN(arch) AS arch FROM resource_packages";

// Copies changed match details onto the batch's open findings.
constexpr std::string_view kSyncDetails =
    "UPDATE findings SET severity = pv.severity, severity_rank = pv.severity_rank, score = "
    "pv.score, fix_available = pv.fix_available, exploit_available = pv.exploit_available, epss = "
    "pv.epss, title = pv.title, fixed_version = pv.fixed_version, content_hash = pv.content_hash "
    "FROM package_vulns pv WHERE findings.batch = ?1 AND pv.pkg = findings.pkg AND pv.vuln_id = "
    "findings.vuln_id AND findings.content_hash <> pv.content_hash";

struct VulnRow {
  std::string vuln_id;
  std::string severity;
  std::int64_t severity_rank = 0;
  std::optional<double> score;
  std::string fix_available;
  std::string fixed_version;
  bool exploit = false;
  std::optional<double> epss;
  std::string title;
  std::string detail;
  std::string hash;
};

VulnRow ToRow(const PackageVuln& v) {
  VulnRow r;
  const model::Finding& f = v.finding;
  r.vuln_id = v.vulnerability_id;
  r.severity = std::string(model::SeverityName(f.severity));
  r.severity_rank = static_cast<std::int64_t>(f.severity);
  r.score = f.score;
  r.fix_available = std::string(model::FixAvailableName(f.fix_available));
  if (!f.package_vulnerability_details.vulnerable_packages.empty()) {
    r.fixed_version = f.package_vulnerability_details.vulnerable_packages[0].fixed_in_version;
  }
  r.exploit = f.exploit_available;
  r.epss = f.epss;
  r.title = f.title;
  model::Finding copy = f;
  // The resource-specific fields are the store's; keep them out of the shared detail.
  copy.finding_id.clear();
  copy.first_observed_at.clear();
  copy.last_observed_at.clear();
  copy.updated_at.clear();
  copy.status = "ACTIVE";
  for (auto& vp : copy.package_vulnerability_details.vulnerable_packages) {
    vp.file_path.clear();
    vp.source_layer_hash.clear();
  }
  r.detail = model::FindingToJson(copy).dump();
  r.hash = base::Sha256Hex(r.detail).value_or("").substr(0, 32);
  return r;
}

Value OptReal(const std::optional<double>& d) { return d ? Value(*d) : sql::Null(); }

}  // namespace

base::Result<ChangeStats> Store::ApplyMatches(std::span<const PackageMatches> matches,
                                              std::string_view build_id, std::string_view now) {
  if (matches.empty()) return ChangeStats{};
  const std::string cutoff = TimeMinus(now, impl_->options.reopen_window);
  std::lock_guard<std::mutex> wlock(impl_->write_mu);
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  ChangeStats stats;
  ASSAY_RETURN_IF_ERROR(sql::InTransaction(c, [&]() -> base::Status {
    ASSAY_RETURN_IF_ERROR(c.ExecScript(
        "CREATE TEMP TABLE IF NOT EXISTS vuln_changes (pkg BIGINT NOT NULL, vuln_id TEXT NOT "
        "NULL, kind TEXT NOT NULL); CREATE INDEX IF NOT EXISTS vuln_changes_key ON "
        "vuln_changes (pkg, vuln_id)"));
    ASSAY_RETURN_IF_ERROR(c.Exec("DELETE FROM vuln_changes", {}).status());
    // What is stored now.
    struct Old {
      std::string hash;
      bool present;
    };
    std::map<std::pair<std::int64_t, std::string>, Old> old;
    constexpr size_t kChunk = 500;
    for (size_t at = 0; at < matches.size(); at += kChunk) {
      size_t n = std::min(kChunk, matches.size() - at);
      Params p;
      for (size_t i = 0; i < n; ++i) p.push_back(Value(matches[at + i].pkg));
      ASSAY_RETURN_IF_ERROR(
          c.Query("SELECT pkg, vuln_id, content_hash, present FROM package_vulns WHERE pkg IN " +
                      internal::InList(1, static_cast<int>(n)),
                  p, [&](const sql::Row& r) {
                    old[{r.Int(0), r.Str(1)}] = Old{r.Str(2), r.Int(3) != 0};
                    return true;
                  }));
    }
    std::vector<std::vector<Value>> changes;
    for (const PackageMatches& m : matches) {
      std::set<std::string> seen;
      for (const PackageVuln& v : m.vulns) {
        if (!seen.insert(v.vulnerability_id).second) continue;
        VulnRow row = ToRow(v);
        auto it = old.find({m.pkg, row.vuln_id});
        std::string kind;
        if (it == old.end() || !it->second.present) {
          kind = "added";
        } else if (it->second.hash != row.hash) {
          kind = "changed";
        } else {
          continue;
        }
        ASSAY_RETURN_IF_ERROR(
            c.Exec("INSERT INTO package_vulns (pkg, vuln_id, present, severity, severity_rank, "
                   "score, fix_available, fixed_version, exploit_available, epss, title, detail, "
                   "content_hash) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                   "ON CONFLICT (pkg, vuln_id) DO UPDATE SET present = 1, severity = "
                   "excluded.severity, severity_rank = excluded.severity_rank, score = "
                   "excluded.score, fix_available = excluded.fix_available, fixed_version = "
                   "excluded.fixed_version, exploit_available = excluded.exploit_available, epss "
                   "= excluded.epss, title = excluded.title, detail = excluded.detail, "
                   "content_hash = excluded.content_hash",
                   {Value(m.pkg), Value(row.vuln_id), Value(row.severity), Value(row.severity_rank),
                    OptReal(row.score), Value(row.fix_available), Value(row.fixed_version),
                    Value(std::int64_t{row.exploit ? 1 : 0}), OptReal(row.epss), Value(row.title),
                    Value(row.detail), Value(row.hash)})
                .status());
        changes.push_back({Value(m.pkg), Value(row.vuln_id), Value(kind)});
      }
      for (auto it = old.lower_bound({m.pkg, std::string()});
           it != old.end() && it->first.first == m.pkg; ++it) {
        if (!it->second.present || seen.count(it->first.second)) continue;
        ASSAY_RETURN_IF_ERROR(
            c.Exec("UPDATE package_vulns SET present = 0 WHERE pkg = ?1 AND vuln_id = ?2",
                   {Value(m.pkg), Value(it->first.second)})
                .status());
        changes.push_back({Value(m.pkg), Value(it->first.second), Value(std::string("removed"))});
      }
    }
    // The packages' lookup keys.
    for (size_t at = 0; at < matches.size(); at += kChunk) {
      size_t n = std::min(kChunk, matches.size() - at);
      Params p;
      for (size_t i = 0; i < n; ++i) p.push_back(Value(matches[at + i].pkg));
      ASSAY_RETURN_IF_ERROR(c.Exec("DELETE FROM package_keys WHERE pkg IN " +
                                       internal::InList(1, static_cast<int>(n)),
                                   p)
                                .status());
    }
    {
      std::set<std::tuple<std::int64_t, std::string, std::string>> keys;
      for (const PackageMatches& m : matches) {
        for (const PackageKey& k : m.keys) keys.emplace(m.pkg, k.ecosystem_base, k.name_key);
      }
      std::vector<std::vector<Value>> rows;
      rows.reserve(keys.size());
      for (const auto& [pkg, base, key] : keys)
        rows.push_back({Value(base), Value(key), Value(pkg)});
      const std::string_view cols[] = {"ecosystem_base", "name_key", "pkg"};
      if (!rows.empty()) ASSAY_RETURN_IF_ERROR(c.BulkInsert("package_keys", cols, rows));
    }
    for (size_t at = 0; at < matches.size(); at += kChunk) {
      size_t n = std::min(kChunk, matches.size() - at);
      Params p = {Value(std::string(build_id))};
      for (size_t i = 0; i < n; ++i) p.push_back(Value(matches[at + i].pkg));
      ASSAY_RETURN_IF_ERROR(c.Exec("UPDATE packages SET matched_build = ?1 WHERE pk IN " +
                                       internal::InList(2, static_cast<int>(n)),
                                   p)
                                .status());
    }
    if (changes.empty()) return base::Status::Ok();
    const std::string_view cols[] = {"pkg", "vuln_id", "kind"};
    ASSAY_RETURN_IF_ERROR(c.BulkInsert("vuln_changes", cols, changes));
    // PostgreSQL's planner knows nothing of a temporary table's rows until it is analysed, and
    // guesses nested loops over it.
    if (c.dialect() == sql::Dialect::kPostgres) {
      ASSAY_RETURN_IF_ERROR(c.ExecScript("ANALYZE vuln_changes"));
    }

    const std::int64_t batch = internal::RandomBatch();
    const Params p = {Value(batch), Value(std::string(now)), Value(cutoff)};
    // Recurring vulnerabilities: reopen within the window, else start a new generation.
    ASSAY_RETURN_IF_ERROR(
        c.Exec("UPDATE findings SET change = CASE WHEN closed_at >= ?3 THEN 'reopened' ELSE "
               "'created' END, prev_status = CASE WHEN closed_at >= ?3 THEN status ELSE NULL END, "
               "batch = ?1, generation = CASE WHEN closed_at >= ?3 THEN generation ELSE "
               "generation + 1 END, first_observed_at = CASE WHEN closed_at >= ?3 THEN "
               "first_observed_at ELSE ?2 END, status = 'ACTIVE', suppressed_by = NULL, "
               "closed_reason = NULL, closed_at = NULL, last_observed_at = ?2, updated_at = ?2 "
               "WHERE status = 'CLOSED' AND (pkg, vuln_id) IN (SELECT pkg, vuln_id FROM "
               "vuln_changes WHERE kind = 'added') AND EXISTS (SELECT 1 FROM resource_packages "
               "rp WHERE rp.pkg = findings.pkg AND rp.resource = findings.resource) AND EXISTS "
               "(SELECT 1 FROM resources r WHERE r.pk = findings.resource AND r.deleted_at IS "
               "NULL)",
               p)
            .status());
    // New findings on every resource linking the package.
    ASSAY_RETURN_IF_ERROR(
        c.Exec("INSERT INTO findings (" + std::string(kInsertCols) + ") SELECT " +
                   std::string(kInsertSelect) +
                   " FROM vuln_changes c JOIN package_vulns pv ON pv.pkg = c.pkg AND pv.vuln_id "
                   "= c.vuln_id JOIN packages p ON p.pk = c.pkg JOIN (" +
                   std::string(kLinkGroup) +
                   " WHERE pkg IN (SELECT pkg FROM vuln_changes WHERE kind = 'added') GROUP BY "
                   "resource, pkg) l ON l.pkg = c.pkg JOIN resources r ON r.pk = l.resource AND "
                   "r.deleted_at IS NULL WHERE c.kind = 'added' ON CONFLICT (resource, pkg, "
                   "vuln_id) DO NOTHING",
               std::span<const Value>(p.data(), 2))
            .status());
    // Vanished ones.
    ASSAY_RETURN_IF_ERROR(
        c.Exec("UPDATE findings SET " + internal::MarkChange(1, "closed") +
                   ", status = 'CLOSED', closed_reason = 'NO_LONGER_AFFECTED', closed_at = ?2, " +
                   "last_observed_at = " + std::string(internal::kLastObservedSql) + ", "
                   "updated_at = ?2 WHERE status <> 'CLOSED' AND (pkg, vuln_id) IN (SELECT pkg, "
                   "vuln_id FROM vuln_changes WHERE kind = 'removed')",
               std::span<const Value>(p.data(), 2))
            .status());
    // Changed details.
    ASSAY_RETURN_IF_ERROR(
        c.Exec("UPDATE findings SET " + internal::MarkChange(1, "detail") +
                   ", updated_at = ?2 WHERE status <> 'CLOSED' AND (pkg, vuln_id) IN (SELECT "
                   "pkg, vuln_id FROM vuln_changes WHERE kind = 'changed')",
               std::span<const Value>(p.data(), 2))
            .status());
    ASSAY_RETURN_IF_ERROR(c.Exec(kSyncDetails, {Value(batch)}).status());
    ASSAY_ASSIGN_OR_RETURN(stats, internal::FinishBatch(c, batch, now));
    return base::Status::Ok();
  }));
  return stats;
}

base::Result<ChangeStats> Store::ReconcileResource(std::int64_t rpk, std::string_view build_id,
                                                   std::string_view now) {
  const std::string cutoff = TimeMinus(now, impl_->options.reopen_window);
  std::lock_guard<std::mutex> wlock(impl_->write_mu);
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  ChangeStats stats;
  ASSAY_RETURN_IF_ERROR(sql::InTransaction(c, [&]() -> base::Status {
    std::string account, resource_id;
    bool deleted = false;
    ASSAY_RETURN_IF_ERROR(
        c.Query("SELECT account_id, id, deleted_at IS NOT NULL FROM resources "
                "WHERE pk = ?1",
                {Value(rpk)}, [&](const sql::Row& r) {
                  account = r.Str(0);
                  resource_id = r.Str(1);
                  deleted = r.Int(2) != 0;
                  return false;
                }));
    if (account.empty()) return base::Status::NotFound("resource not found");
    if (deleted) return base::Status::Ok();
    const std::int64_t batch = internal::RandomBatch();
    const Params p = {Value(batch), Value(std::string(now)), Value(cutoff), Value(rpk)};
    const std::string linked =
        "EXISTS (SELECT 1 FROM resource_packages rp WHERE rp.resource = findings.resource AND "
        "rp.pkg = findings.pkg)";
    const std::string affected =
        "EXISTS (SELECT 1 FROM package_vulns pv WHERE pv.pkg = findings.pkg AND pv.vuln_id = "
        "findings.vuln_id AND pv.present = 1)";
    ASSAY_RETURN_IF_ERROR(
        c.Exec("UPDATE findings SET change = CASE WHEN closed_at >= ?3 THEN 'reopened' ELSE "
               "'created' END, prev_status = CASE WHEN closed_at >= ?3 THEN status ELSE NULL END, "
               "batch = ?1, generation = CASE WHEN closed_at >= ?3 THEN generation ELSE "
               "generation + 1 END, first_observed_at = CASE WHEN closed_at >= ?3 THEN "
               "first_observed_at ELSE ?2 END, status = 'ACTIVE', suppressed_by = NULL, "
               "closed_reason = NULL, closed_at = NULL, last_observed_at = ?2, updated_at = ?2 WHERE "
               "resource = ?4 AND "
               "status = 'CLOSED' AND " +
                   linked + " AND " + affected,
               p)
            .status());
    ASSAY_RETURN_IF_ERROR(
        c.Exec("INSERT INTO findings (" + std::string(kInsertCols) + ") SELECT " +
                   std::string(kInsertSelect) + " FROM (" + std::string(kLinkGroup) +
                   " WHERE resource = ?3 GROUP BY resource, pkg) l JOIN package_vulns pv ON "
                   "pv.pkg = l.pkg AND pv.present = 1 JOIN packages p ON p.pk = l.pkg JOIN "
                   "resources r ON r.pk = l.resource WHERE r.deleted_at IS NULL ON CONFLICT "
                   "(resource, pkg, vuln_id) DO NOTHING",
               {Value(batch), Value(std::string(now)), Value(rpk)})
            .status());
    ASSAY_RETURN_IF_ERROR(
        c.Exec("UPDATE findings SET " + internal::MarkChange(1, "closed") +
                   ", status = 'CLOSED', closed_reason = CASE WHEN " + linked +
                   " THEN 'NO_LONGER_AFFECTED' ELSE 'PACKAGE_REMOVED' END, closed_at = ?2, "
                   "last_observed_at = " + std::string(internal::kLastObservedSql) + ", "
                   "updated_at = ?2 WHERE resource = ?3 AND status <> 'CLOSED' AND NOT (" +
                   linked + " AND " + affected + ")",
               {Value(batch), Value(std::string(now)), Value(rpk)})
            .status());
    ASSAY_RETURN_IF_ERROR(
        c.Exec("UPDATE findings SET " + internal::MarkChange(1, "detail") +
                   ", updated_at = ?2 WHERE resource = ?3 AND status <> 'CLOSED' AND "
                   "content_hash <> (SELECT pv.content_hash FROM package_vulns pv WHERE pv.pkg = "
                   "findings.pkg AND pv.vuln_id = findings.vuln_id)",
               {Value(batch), Value(std::string(now)), Value(rpk)})
            .status());
    ASSAY_RETURN_IF_ERROR(c.Exec(kSyncDetails, {Value(batch)}).status());
    ASSAY_ASSIGN_OR_RETURN(stats, internal::FinishBatch(c, batch, now));
    ASSAY_RETURN_IF_ERROR(
        c.Exec("UPDATE resources SET evaluated_at = ?2, evaluated_build = ?3 "
               "WHERE pk = ?1",
               {Value(rpk), Value(std::string(now)), Value(std::string(build_id))})
            .status());
    nlohmann::json detail = {{"created", stats.created},       {"reopened", stats.reopened},
                             {"updated", stats.updated},       {"closed", stats.closed},
                             {"suppressed", stats.suppressed}, {"build", build_id}};
    ASSAY_RETURN_IF_ERROR(
        c.Exec("INSERT INTO events (account_id, type, time, resource_id, detail) VALUES (?1, "
               "'scan.completed', ?2, ?3, ?4)",
               {Value(account), Value(std::string(now)), Value(resource_id), Value(detail.dump())})
            .status());
    stats.events += 1;
    return base::Status::Ok();
  }));
  return stats;
}

base::Result<ChangeStats> Store::DeleteResource(std::string_view account_id, std::string_view id,
                                                std::string_view now) {
  std::lock_guard<std::mutex> wlock(impl_->write_mu);
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  ChangeStats stats;
  ASSAY_RETURN_IF_ERROR(sql::InTransaction(c, [&]() -> base::Status {
    std::int64_t rpk = 0;
    ASSAY_RETURN_IF_ERROR(c.Query(
        "UPDATE resources SET deleted_at = ?3 WHERE account_id = ?1 AND id = ?2 AND deleted_at IS "
        "NULL RETURNING pk",
        {Value(std::string(account_id)), Value(std::string(id)), Value(std::string(now))},
        [&](const sql::Row& r) {
          rpk = r.Int(0);
          return false;
        }));
    if (rpk == 0) return base::Status::NotFound("resource " + std::string(id) + " not found");
    const std::int64_t batch = internal::RandomBatch();
    ASSAY_RETURN_IF_ERROR(
        c.Exec("UPDATE findings SET " + internal::MarkChange(1, "closed") +
                   ", status = 'CLOSED', closed_reason = 'RESOURCE_DELETED', closed_at = ?2, " +
                   "last_observed_at = " + std::string(internal::kLastObservedSql) + ", "
                   "updated_at = ?2 WHERE resource = ?3 AND status <> 'CLOSED'",
               {Value(batch), Value(std::string(now)), Value(rpk)})
            .status());
    ASSAY_RETURN_IF_ERROR(
        c.Exec("DELETE FROM resource_packages WHERE resource = ?1", {Value(rpk)}).status());
    ASSAY_RETURN_IF_ERROR(c.Exec("UPDATE resources SET inventory_hash = '', package_count = 0 "
                                 "WHERE pk = ?1",
                                 {Value(rpk)})
                              .status());
    ASSAY_ASSIGN_OR_RETURN(stats, internal::FinishBatchImpl(c, batch, now, false));
    ASSAY_RETURN_IF_ERROR(
        c.Exec("INSERT INTO events (account_id, type, time, resource_id) VALUES "
               "(?1, 'resource.deleted', ?2, ?3)",
               {Value(std::string(account_id)), Value(std::string(now)), Value(std::string(id))})
            .status());
    stats.events += 1;
    return base::Status::Ok();
  }));
  return stats;
}

base::Result<Store::PurgeStats> Store::Purge(std::string_view now) {
  const std::string closed_before = TimeMinus(now, impl_->options.closed_retention);
  const std::string deleted_before = TimeMinus(now, impl_->options.deleted_retention);
  std::lock_guard<std::mutex> wlock(impl_->write_mu);
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  PurgeStats out;
  ASSAY_RETURN_IF_ERROR(sql::InTransaction(c, [&]() -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(std::int64_t a,
                           c.Exec("DELETE FROM findings WHERE resource IN (SELECT pk FROM "
                                  "resources WHERE deleted_at IS NOT NULL AND deleted_at < ?1)",
                                  {Value(deleted_before)}));
    ASSAY_ASSIGN_OR_RETURN(out.resources,
                           c.Exec("DELETE FROM resources WHERE deleted_at IS NOT NULL AND "
                                  "deleted_at < ?1",
                                  {Value(deleted_before)}));
    ASSAY_ASSIGN_OR_RETURN(std::int64_t b,
                           c.Exec("DELETE FROM findings WHERE status = 'CLOSED' AND closed_at < ?1",
                                  {Value(closed_before)}));
    out.findings = a + b;
    // Events are kept as long as closed findings (the feed is a window, not an archive).
    ASSAY_ASSIGN_OR_RETURN(out.events,
                           c.Exec("DELETE FROM events WHERE time < ?1", {Value(closed_before)}));
    ASSAY_RETURN_IF_ERROR(
        c.Exec("DELETE FROM package_vulns WHERE present = 0 AND NOT EXISTS (SELECT 1 FROM "
               "findings f WHERE f.pkg = package_vulns.pkg AND f.vuln_id = package_vulns.vuln_id)",
               {})
            .status());
    return base::Status::Ok();
  }));
  return out;
}

// ---- suppression rules -------------------------------------------------------------------------

namespace {

// Re-applies every unexpired rule of `account` to its findings (inside a transaction).
base::Result<ChangeStats> ReapplyRules(sql::Connection& c, const std::string& account,
                                       std::string_view now) {
  const std::int64_t batch = internal::RandomBatch();
  ASSAY_RETURN_IF_ERROR(
      c.Exec("UPDATE findings SET " + internal::MarkChange(1, "suppression") +
                 ", status = 'ACTIVE', suppressed_by = NULL, updated_at = ?2 WHERE account_id = "
                 "?3 AND status = 'SUPPRESSED'",
             {Value(batch), Value(std::string(now)), Value(account)})
          .status());
  ASSAY_RETURN_IF_ERROR(internal::ApplyRules(c, account, batch, false, now));
  // Rows unsuppressed and suppressed again changed no status: FinishBatch writes no event for
  // them (status == prev_status).
  return internal::FinishBatchImpl(c, batch, now, false);
}

constexpr std::string_view kRuleCols =
    "id, account_id, name, description, reason, criteria, COALESCE(expires_at, ''), created_at, "
    "updated_at";

base::Result<SuppressionRule> RuleFromRow(const sql::Row& r, std::string_view now) {
  SuppressionRule out;
  out.id = r.Str(0);
  out.account_id = r.Str(1);
  out.name = r.Str(2);
  out.description = r.Str(3);
  out.reason = r.Str(4);
  auto j = nlohmann::json::parse(r.Text(5), nullptr, false);
  ASSAY_ASSIGN_OR_RETURN(out.criteria, ParseFilterCriteria(j));
  out.expires_at = r.Str(6);
  out.created_at = r.Str(7);
  out.updated_at = r.Str(8);
  out.expired = !out.expires_at.empty() && out.expires_at <= now;
  return out;
}

}  // namespace

base::Result<SuppressionRule> Store::PutSuppressionRule(const SuppressionRule& in,
                                                        std::string_view now) {
  if (in.name.empty() || in.name.size() > 128) {
    return base::Status::InvalidArgument("suppression rule name: 1 to 128 characters");
  }
  if (in.reason.empty() || in.reason.size() > 1024) {
    return base::Status::InvalidArgument("suppression rule reason: 1 to 1024 characters");
  }
  if (in.description.size() > 1024) {
    return base::Status::InvalidArgument("suppression rule description: at most 1024 characters");
  }
  if (in.criteria.empty()) {
    return base::Status::InvalidArgument(
        "suppression rule filterCriteria: at least one criterion (a rule matching everything "
        "would hide every finding)");
  }
  if (!in.expires_at.empty()) ASSAY_RETURN_IF_ERROR(ParseTime(in.expires_at).status());
  // Fails early (before any write) when a criterion has no column.
  {
    Params scratch;
    ASSAY_RETURN_IF_ERROR(internal::CriteriaSql(in.criteria, impl_->dialect, 1, scratch).status());
  }
  std::lock_guard<std::mutex> wlock(impl_->write_mu);
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  SuppressionRule out = in;
  out.updated_at = std::string(now);
  ASSAY_RETURN_IF_ERROR(sql::InTransaction(c, [&]() -> base::Status {
    const std::string criteria = ToJson(in.criteria).dump();
    const Value expires = in.expires_at.empty() ? sql::Null() : Value(in.expires_at);
    if (in.id.empty()) {
      out.id = "rule-" + internal::RandomHex(8);
      out.created_at = std::string(now);
      bool dup = false;
      ASSAY_RETURN_IF_ERROR(
          c.Query("SELECT 1 FROM suppression_rules WHERE account_id = ?1 AND "
                  "name = ?2",
                  {Value(in.account_id), Value(in.name)}, [&](const sql::Row&) {
                    dup = true;
                    return false;
                  }));
      if (dup) {
        return base::Status::InvalidArgument(
            "a suppression rule named " + base::QuoteForMessage(in.name, 80) + " already exists");
      }
      ASSAY_RETURN_IF_ERROR(
          c.Exec("INSERT INTO suppression_rules (id, account_id, name, description, reason, "
                 "criteria, expires_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                 "?7, ?8, ?8)",
                 {Value(out.id), Value(in.account_id), Value(in.name), Value(in.description),
                  Value(in.reason), Value(criteria), expires, Value(std::string(now))})
              .status());
    } else {
      std::string created;
      ASSAY_RETURN_IF_ERROR(
          c.Query("SELECT created_at FROM suppression_rules WHERE id = ?1 AND account_id = ?2",
                  {Value(in.id), Value(in.account_id)}, [&](const sql::Row& r) {
                    created = r.Str(0);
                    return false;
                  }));
      if (created.empty())
        return base::Status::NotFound("suppression rule " + in.id + " not found");
      out.created_at = created;
      ASSAY_RETURN_IF_ERROR(
          c.Exec("UPDATE suppression_rules SET name = ?3, description = ?4, reason = ?5, "
                 "criteria = ?6, expires_at = ?7, expired_at = NULL, updated_at = ?8 WHERE id = "
                 "?1 AND account_id = ?2",
                 {Value(in.id), Value(in.account_id), Value(in.name), Value(in.description),
                  Value(in.reason), Value(criteria), expires, Value(std::string(now))})
              .status());
    }
    return ReapplyRules(c, in.account_id, now).status();
  }));
  out.expired = !out.expires_at.empty() && out.expires_at <= now;
  return out;
}

base::Result<std::vector<SuppressionRule>> Store::ListSuppressionRules(
    std::span<const std::string> accounts, std::string_view now) {
  internal::Lease lease(*impl_);
  std::vector<SuppressionRule> out;
  if (accounts.empty()) return out;
  Params p;
  for (const auto& a : accounts) p.push_back(Value(a));
  base::Status inner;
  ASSAY_RETURN_IF_ERROR(lease.conn().Query(
      "SELECT " + std::string(kRuleCols) + " FROM suppression_rules WHERE account_id IN " +
          internal::InList(1, static_cast<int>(accounts.size())) + " ORDER BY created_at, id",
      p, [&](const sql::Row& r) {
        auto rule = RuleFromRow(r, now);
        if (!rule.ok()) {
          inner = rule.status();
          return false;
        }
        out.push_back(std::move(*rule));
        return true;
      }));
  ASSAY_RETURN_IF_ERROR(inner);
  return out;
}

base::Result<SuppressionRule> Store::GetSuppressionRule(std::span<const std::string> accounts,
                                                        std::string_view id, std::string_view now) {
  ASSAY_ASSIGN_OR_RETURN(auto rules, ListSuppressionRules(accounts, now));
  for (auto& r : rules) {
    if (r.id == id) return std::move(r);
  }
  return base::Status::NotFound("suppression rule " + std::string(id) + " not found");
}

base::Result<ChangeStats> Store::DeleteSuppressionRule(std::string_view account_id,
                                                       std::string_view id, std::string_view now) {
  std::lock_guard<std::mutex> wlock(impl_->write_mu);
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  ChangeStats stats;
  ASSAY_RETURN_IF_ERROR(sql::InTransaction(c, [&]() -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(std::int64_t n,
                           c.Exec("DELETE FROM suppression_rules WHERE id = ?1 AND account_id = ?2",
                                  {Value(std::string(id)), Value(std::string(account_id))}));
    if (n == 0) return base::Status::NotFound("suppression rule " + std::string(id) + " not found");
    ASSAY_ASSIGN_OR_RETURN(stats, ReapplyRules(c, std::string(account_id), now));
    return base::Status::Ok();
  }));
  return stats;
}

base::Result<ChangeStats> Store::ExpireSuppressionRules(std::string_view now) {
  std::lock_guard<std::mutex> wlock(impl_->write_mu);
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  ChangeStats stats;
  ASSAY_RETURN_IF_ERROR(sql::InTransaction(c, [&]() -> base::Status {
    std::vector<std::pair<std::string, std::string>> expired;  // (account, rule)
    ASSAY_RETURN_IF_ERROR(c.Query(
        "SELECT account_id, id, name FROM suppression_rules WHERE expires_at IS NOT NULL AND "
        "expires_at <= ?1 AND expired_at IS NULL ORDER BY account_id, id",
        {Value(std::string(now))}, [&](const sql::Row& r) {
          expired.emplace_back(r.Str(0), r.Str(1));
          return true;
        }));
    std::set<std::string> accounts;
    for (const auto& [account, rule] : expired) {
      ASSAY_RETURN_IF_ERROR(c.Exec("UPDATE suppression_rules SET expired_at = ?2 WHERE id = ?1",
                                   {Value(rule), Value(std::string(now))})
                                .status());
      nlohmann::json detail = {{"ruleId", rule}};
      ASSAY_RETURN_IF_ERROR(c.Exec("INSERT INTO events (account_id, type, time, detail) VALUES "
                                   "(?1, 'suppression.expired', ?2, ?3)",
                                   {Value(account), Value(std::string(now)), Value(detail.dump())})
                                .status());
      stats.events += 1;
      accounts.insert(account);
    }
    for (const auto& a : accounts) {
      ASSAY_ASSIGN_OR_RETURN(ChangeStats s, ReapplyRules(c, a, now));
      stats += s;
    }
    return base::Status::Ok();
  }));
  return stats;
}

}  // namespace assay::findings
