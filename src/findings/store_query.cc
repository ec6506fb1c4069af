// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The store's read side: findings pages, aggregates and the event feed.
#include <algorithm>
#include <map>
#include <set>

#include "base/strings.h"
#include "findings/store.h"
#include "findings/store_internal.h"
#include "model/finding_json.h"
#include "model/severity.h"

namespace assay::findings {

using internal::Params;
using sql::Value;

namespace internal {

const SqlColumns& FindingColumns() {
  static const SqlColumns* cols = [] {
    auto* m = new SqlColumns;
    (*m)["accountId"] = SqlColumn::Text("findings.account_id");
    (*m)["findingId"] = SqlColumn::Text("('fnd-' || findings.pk || '-' || findings.generation)");
    (*m)["findingStatus"] = SqlColumn::Text("findings.status");
    (*m)["findingType"] = SqlColumn::Text("'PACKAGE_VULNERABILITY'");
    (*m)["severity"] = SqlColumn::Text("findings.severity");
    (*m)["title"] = SqlColumn::Text("findings.title");
    (*m)["vulnerabilityId"] = SqlColumn::Text("findings.vuln_id");
    (*m)["fixAvailable"] = SqlColumn::Text("findings.fix_available");
    (*m)["exploitAvailable"] =
        SqlColumn::Text("(CASE WHEN findings.exploit_available = 1 THEN 'YES' ELSE 'NO' END)");
    (*m)["resourceId"] = SqlColumn::Text("findings.resource_id");
    (*m)["resourceType"] = SqlColumn::Text("findings.resource_type");
    (*m)["score"] = SqlColumn::Number("findings.score");
    (*m)["epssScore"] = SqlColumn::Number("findings.epss");
    (*m)["firstObservedAt"] = SqlColumn::Date("findings.first_observed_at");
    (*m)["lastObservedAt"] = SqlColumn::Date(std::string(internal::kLastObservedSql));
    (*m)["updatedAt"] = SqlColumn::Date("findings.updated_at");
    (*m)["resourceTags"] =
        SqlColumn::Map("SELECT 1 FROM resource_tags t WHERE t.resource = findings.resource AND {}",
                       "t.key", "t.value");
    (*m)["vulnerablePackages"] = SqlColumn::Package({{"name", "findings.package_name"},
                                                     {"version", "findings.package_version"},
                                                     {"architecture", "findings.arch"},
                                                     {"filePath", "findings.file_path"},
                                                     {"sourceLayerHash", "findings.layer"}});
    return m;
  }();
  return *cols;
}

base::Result<std::string> CriteriaSql(const FilterCriteria& criteria, sql::Dialect dialect,
                                      int first, Params& params) {
  ASSAY_ASSIGN_OR_RETURN(SqlWhere w, ToSql(criteria, FindingColumns(), dialect, first));
  std::string out = std::move(w.sql);
  int next = first + static_cast<int>(w.params.size());
  for (auto& v : w.params) params.push_back(std::move(v));
  // Severity is kept twice, as its name and as its rank. When the criterion's positive filters
  // are all EQUALS (ORed), the same set as ranks lets the (account, severity_rank, pk) index
  // deliver a page in pk order instead of a scan that skips the other severities.
  auto it = criteria.criteria.find("severity");
  if (it != criteria.criteria.end()) {
    if (const auto* list = std::get_if<std::vector<StringFilter>>(&it->second)) {
      bool prefix = false;
      std::set<std::int64_t> ranks;
      bool equals = false;
      for (const StringFilter& f : *list) {
        if (f.comparison == Comparison::kPrefix) prefix = true;
        if (f.comparison != Comparison::kEquals) continue;
        equals = true;
        if (auto sev = model::ParseSeverity(f.value); sev && model::SeverityName(*sev) == f.value) {
          ranks.insert(static_cast<std::int64_t>(*sev));
        }
      }
      if (equals && !prefix) {
        if (ranks.empty()) {
          out = "(" + out + ") AND 1 = 0";
        } else {
          out = "(" + out + ") AND findings.severity_rank IN " +
                InList(next, static_cast<int>(ranks.size()));
          for (std::int64_t r : ranks) params.push_back(Value(r));
        }
      }
    }
  }
  return out;
}

std::string DetailCache::Key(std::int64_t pkg, const std::string& vuln, const std::string& hash) {
  std::string k = std::to_string(pkg);
  k += '\x1f';
  k += vuln;
  k += '\x1f';
  k += hash;
  return k;
}

std::shared_ptr<const model::Finding> DetailCache::Get(std::int64_t pkg, const std::string& vuln,
                                                       const std::string& hash) {
  std::string k = Key(pkg, vuln, hash);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(k);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void DetailCache::Put(std::int64_t pkg, const std::string& vuln, const std::string& hash,
                      std::shared_ptr<const model::Finding> detail) {
  std::string k = Key(pkg, vuln, hash);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(k); it != index_.end()) {
    it->second->second = std::move(detail);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(k, std::move(detail));
  index_.emplace(std::move(k), lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

}  // namespace internal

namespace {

const std::string& FindingCols() {
  static const std::string* cols = new std::string(
    "findings.pk, findings.account_id, findings.resource, findings.pkg, findings.vuln_id, "
    "findings.status, findings.severity, findings.score, findings.fix_available, "
    "findings.exploit_available, findings.epss, findings.title, findings.resource_id, "
    "findings.resource_type, findings.ecosystem, findings.package_name, "
    "findings.package_version, findings.fixed_version, findings.file_path, findings.layer, "
    "findings.package_manager, findings.arch, COALESCE(findings.suppressed_by, ''), "
      "COALESCE(findings.closed_reason, ''), findings.first_observed_at, " +
      std::string(internal::kLastObservedSql) +
      ", findings.updated_at, COALESCE(findings.closed_at, ''), findings.severity_rank, "
      "findings.generation, findings.content_hash");
  return *cols;
}

struct Raw {
  std::int64_t pk = 0, resource = 0, pkg = 0, severity_rank = 0;
  StoredFinding f;
  std::string vuln_id;
  std::string content_hash;
};

Raw RawFromRow(const sql::Row& r) {
  Raw out;
  out.pk = r.Int(0);
  out.resource = r.Int(2);
  out.pkg = r.Int(3);
  out.vuln_id = r.Str(4);
  out.severity_rank = r.Int(28);
  out.content_hash = r.Str(30);
  StoredFinding& s = out.f;
  s.account_id = r.Str(1);
  model::Finding& f = s.finding;
  f.finding_id = "fnd-" + std::to_string(out.pk) + "-" + std::to_string(r.Int(29));
  f.status = r.Str(5);
  f.severity = model::ParseSeverity(r.Text(6)).value_or(model::Severity::kUntriaged);
  if (!r.IsNull(7)) f.score = r.Real(7);
  f.fix_available = model::ParseFixAvailable(r.Text(8)).value_or(model::FixAvailable::kNo);
  f.exploit_available = r.Int(9) != 0;
  if (!r.IsNull(10)) f.epss = r.Real(10);
  f.title = r.Str(11);
  s.resource_id = r.Str(12);
  s.resource_type = r.Str(13);
  auto& pvd = f.package_vulnerability_details;
  pvd.vulnerability_id = out.vuln_id;
  model::VulnerablePackage vp;
  vp.ecosystem = r.Str(14);
  vp.name = r.Str(15);
  vp.version = r.Str(16);
  vp.fixed_in_version = r.Str(17);
  vp.file_path = r.Str(18);
  vp.source_layer_hash = r.Str(19);
  vp.package_manager = r.Str(20);
  vp.arch = r.Str(21);
  pvd.vulnerable_packages.push_back(std::move(vp));
  s.suppressed_by = r.Str(22);
  s.closed_reason = r.Str(23);
  f.first_observed_at = r.Str(24);
  f.last_observed_at = r.Str(25);
  f.updated_at = r.Str(26);
  s.closed_at = r.Str(27);
  return out;
}

// Fills each finding's detail (description, CVSS, references, related ids, ...) from the
// package's stored match and the resource's tags.
base::Status Complete(sql::Connection& c, internal::DetailCache& cache, std::vector<Raw>& rows) {
  if (rows.empty()) return base::Status::Ok();
  // The parsed details: from the cache, else from the page's (package, vulnerability) pairs, one
  // indexed range per package (package_vulns' key starts with pkg), the pairs not on the page
  // skipped here.
  std::map<std::pair<std::int64_t, std::string>, std::shared_ptr<const model::Finding>> details;
  std::set<std::pair<std::int64_t, std::string>> wanted;
  std::set<std::int64_t> pkgs;
  for (const Raw& r : rows) {
    std::pair<std::int64_t, std::string> key{r.pkg, r.vuln_id};
    if (details.count(key)) continue;
    if (auto hit = cache.Get(r.pkg, r.vuln_id, r.content_hash)) {
      details[key] = std::move(hit);
    } else {
      wanted.insert(key);
      pkgs.insert(r.pkg);
    }
  }
  if (!pkgs.empty()) {
    Params p;
    for (std::int64_t pk : pkgs) p.push_back(Value(pk));
    ASSAY_RETURN_IF_ERROR(c.Query(
        "SELECT pkg, vuln_id, content_hash, detail FROM package_vulns WHERE pkg IN " +
            internal::InList(1, static_cast<int>(p.size())),
        p, [&](const sql::Row& r) {
          std::pair<std::int64_t, std::string> key{r.Int(0), r.Str(1)};
          if (!wanted.count(key)) return true;
          auto parsed = model::FindingFromJsonText(r.Text(3));
          if (!parsed.ok()) return true;
          auto d = std::make_shared<const model::Finding>(std::move(*parsed));
          cache.Put(key.first, key.second, r.Str(2), d);
          details[std::move(key)] = std::move(d);
          return true;
        }));
  }
  std::set<std::int64_t> resources;
  for (const Raw& r : rows) resources.insert(r.resource);
  std::map<std::int64_t, std::vector<std::pair<std::string, std::string>>> tags;
  {
    Params p;
    for (auto pk : resources) p.push_back(Value(pk));
    ASSAY_RETURN_IF_ERROR(
        c.Query("SELECT resource, key, value FROM resource_tags WHERE resource IN " +
                    internal::InList(1, static_cast<int>(p.size())) + " ORDER BY resource, key",
                p, [&](const sql::Row& r) {
                  tags[r.Int(0)].emplace_back(r.Str(1), r.Str(2));
                  return true;
                }));
  }
  for (Raw& r : rows) {
    r.f.resource_tags = tags[r.resource];
    auto it = details.find({r.pkg, r.vuln_id});
    if (it == details.end() || !it->second) continue;
    model::Finding& f = r.f.finding;
    const model::Finding& d = *it->second;
    f.description = d.description;
    f.type = d.type;
    auto& pvd = f.package_vulnerability_details;
    auto& dpvd = d.package_vulnerability_details;
    pvd.source = dpvd.source;
    pvd.source_url = dpvd.source_url;
    pvd.vendor_severity = dpvd.vendor_severity;
    pvd.related_vulnerabilities = dpvd.related_vulnerabilities;
    pvd.cvss = dpvd.cvss;
    pvd.reference_urls = dpvd.reference_urls;
    pvd.vendor_created_at = dpvd.vendor_created_at;
    pvd.vendor_updated_at = dpvd.vendor_updated_at;
    f.kev_date_added = d.kev_date_added;
    if (!dpvd.vulnerable_packages.empty()) {
      const auto& dvp = dpvd.vulnerable_packages[0];
      auto& vp = pvd.vulnerable_packages[0];
      vp.source_name = dvp.source_name;
      vp.source_version = dvp.source_version;
      vp.purl = dvp.purl;
      vp.remediation = dvp.remediation;
      if (vp.arch.empty()) vp.arch = dvp.arch;
      if (vp.package_manager.empty()) vp.package_manager = dvp.package_manager;
    }
  }
  return base::Status::Ok();
}

std::string AccountsClause(std::span<const std::string> accounts, int first, Params& p) {
  for (const auto& a : accounts) p.push_back(Value(a));
  return "findings.account_id IN " + internal::InList(first, static_cast<int>(accounts.size()));
}

}  // namespace

base::Result<Page<StoredFinding>> Store::ListFindings(const ListOptions& o) {
  const int limit = std::clamp(o.limit, 1, 1000);
  Page<StoredFinding> page;
  if (o.accounts.empty()) return page;
  Params p;
  std::string where = AccountsClause(o.accounts, 1, p);
  ASSAY_ASSIGN_OR_RETURN(
      std::string crit,
      internal::CriteriaSql(o.criteria, impl_->dialect, static_cast<int>(p.size()) + 1, p));
  where += " AND (" + crit + ")";
  const bool by_severity = o.sort == ListOptions::Sort::kSeverity;
  if (!o.cursor.empty()) {
    auto bad = [&] {
      return base::Status::InvalidArgument("invalid cursor " + base::QuoteForMessage(o.cursor, 40));
    };
    std::int64_t pk = 0, rank = 0;
    if (by_severity) {
      size_t dot = o.cursor.find('.');
      if (o.cursor[0] != 's' || dot == std::string::npos ||
          !base::ParseInt64(std::string_view(o.cursor).substr(1, dot - 1), &rank) ||
          !base::ParseInt64(std::string_view(o.cursor).substr(dot + 1), &pk)) {
        return bad();
      }
      int r = static_cast<int>(p.size()) + 1;
      where += " AND (findings.severity_rank < ?" + std::to_string(r) +
               " OR (findings.severity_rank = ?" + std::to_string(r + 1) + " AND findings.pk < ?" +
               std::to_string(r + 2) + "))";
      p.insert(p.end(), {Value(rank), Value(rank), Value(pk)});
    } else {
      if (o.cursor[0] != 'n' || !base::ParseInt64(std::string_view(o.cursor).substr(1), &pk)) {
        return bad();
      }
      where += " AND findings.pk < ?" + std::to_string(p.size() + 1);
      p.push_back(Value(pk));
    }
  }
  std::string order = by_severity ? " ORDER BY findings.severity_rank DESC, findings.pk DESC"
                                  : " ORDER BY findings.pk DESC";
  p.push_back(Value(std::int64_t{limit + 1}));
  std::string sql = "SELECT " + FindingCols() + " FROM findings WHERE " + where +
                    order + " LIMIT ?" + std::to_string(p.size());
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  std::vector<Raw> rows;
  ASSAY_RETURN_IF_ERROR(c.Query(sql, p, [&](const sql::Row& r) {
    rows.push_back(RawFromRow(r));
    return true;
  }));
  if (static_cast<int>(rows.size()) > limit) {
    rows.pop_back();
    const Raw& last = rows.back();
    page.next_cursor =
        by_severity ? "s" + std::to_string(last.severity_rank) + "." + std::to_string(last.pk)
                    : "n" + std::to_string(last.pk);
  }
  ASSAY_RETURN_IF_ERROR(Complete(c, impl_->details, rows));
  page.items.reserve(rows.size());
  for (Raw& r : rows) page.items.push_back(std::move(r.f));
  return page;
}

base::Result<StoredFinding> Store::GetFinding(std::span<const std::string> accounts,
                                              std::string_view finding_id) {
  std::int64_t pk = 0, generation = 0;
  size_t dash = finding_id.rfind('-');
  if (finding_id.substr(0, 4) != "fnd-" || dash <= 4 ||
      !base::ParseInt64(finding_id.substr(4, dash - 4), &pk) ||
      !base::ParseInt64(finding_id.substr(dash + 1), &generation) || accounts.empty()) {
    return base::Status::NotFound("finding " + base::QuoteForMessage(finding_id, 60) +
                                  " not found");
  }
  Params p = {Value(pk), Value(generation)};
  std::string where = AccountsClause(accounts, 3, p);
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  std::vector<Raw> rows;
  ASSAY_RETURN_IF_ERROR(
      c.Query("SELECT " + FindingCols() +
                  " FROM findings WHERE findings.pk = ?1 AND findings.generation = ?2 AND " + where,
              p, [&](const sql::Row& r) {
                rows.push_back(RawFromRow(r));
                return false;
              }));
  if (rows.empty()) {
    return base::Status::NotFound("finding " + std::string(finding_id) + " not found");
  }
  ASSAY_RETURN_IF_ERROR(Complete(c, impl_->details, rows));
  return std::move(rows[0].f);
}

base::Result<std::vector<AggregateRow>> Store::Aggregate(std::span<const std::string> accounts,
                                                         const FilterCriteria& criteria,
                                                         AggregateBy by, int limit) {
  std::vector<AggregateRow> out;
  if (accounts.empty()) return out;
  limit = std::clamp(limit, 1, 1000);
  std::string key;
  switch (by) {
    case AggregateBy::kSeverity:
      key = "findings.severity";
      break;
    case AggregateBy::kResource:
      key = "findings.resource_id";
      break;
    case AggregateBy::kPackage:
      key = "findings.package_name || '@' || findings.package_version";
      break;
    case AggregateBy::kVulnerability:
      key = "findings.vuln_id";
      break;
  }
  Params p;
  std::string where = AccountsClause(accounts, 1, p);
  ASSAY_ASSIGN_OR_RETURN(
      std::string crit,
      internal::CriteriaSql(criteria, impl_->dialect, static_cast<int>(p.size()) + 1, p));
  p.push_back(Value(std::int64_t{limit}));
  std::string sql =
      "SELECT " + key +
      " AS k, COUNT(*), SUM(CASE WHEN findings.severity_rank = 5 THEN 1 ELSE 0 END), SUM(CASE "
      "WHEN findings.severity_rank = 4 THEN 1 ELSE 0 END), SUM(CASE WHEN findings.severity_rank "
      "= 3 THEN 1 ELSE 0 END), SUM(CASE WHEN findings.severity_rank = 2 THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN findings.severity_rank = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN "
      "findings.severity_rank = 0 THEN 1 ELSE 0 END), MAX(findings.severity_rank) FROM findings "
      "WHERE " +
      where + " AND (" + crit + ") GROUP BY " + key +
      " ORDER BY MAX(findings.severity_rank) DESC, COUNT(*) DESC, " + key + " LIMIT ?" +
      std::to_string(p.size());
  internal::Lease lease(*impl_);
  ASSAY_RETURN_IF_ERROR(lease.conn().Query(sql, p, [&](const sql::Row& r) {
    AggregateRow a;
    a.key = r.Str(0);
    a.total = r.Int(1);
    a.critical = r.Int(2);
    a.high = r.Int(3);
    a.medium = r.Int(4);
    a.low = r.Int(5);
    a.informational = r.Int(6);
    a.untriaged = r.Int(7);
    out.push_back(std::move(a));
    return true;
  }));
  return out;
}

base::Result<std::int64_t> Store::CountFindings(std::span<const std::string> accounts,
                                                const FilterCriteria& criteria) {
  if (accounts.empty()) return std::int64_t{0};
  Params p;
  std::string where = AccountsClause(accounts, 1, p);
  ASSAY_ASSIGN_OR_RETURN(
      std::string crit,
      internal::CriteriaSql(criteria, impl_->dialect, static_cast<int>(p.size()) + 1, p));
  internal::Lease lease(*impl_);
  std::int64_t n = 0;
  ASSAY_RETURN_IF_ERROR(
      lease.conn().Query("SELECT COUNT(*) FROM findings WHERE " + where + " AND (" + crit + ")", p,
                         [&](const sql::Row& r) {
                           n = r.Int(0);
                           return false;
                         }));
  return n;
}

// ---- events ------------------------------------------------------------------------------------

base::Result<std::vector<Event>> Store::ListEvents(std::span<const std::string> accounts,
                                                   std::int64_t after_seq, int limit) {
  std::vector<Event> out;
  if (accounts.empty()) return out;
  limit = std::clamp(limit, 1, 1000);
  Params p = {Value(after_seq), Value(std::int64_t{limit})};
  for (const auto& a : accounts) p.push_back(Value(a));
  internal::Lease lease(*impl_);
  ASSAY_RETURN_IF_ERROR(lease.conn().Query(
      "SELECT seq, account_id, type, time, resource_id, finding_id, status, previous_status, "
      "severity, vuln_id, ecosystem, package_name, package_version, title, reason, detail FROM "
      "events WHERE seq > ?1 AND account_id IN " +
          internal::InList(3, static_cast<int>(accounts.size())) + " ORDER BY seq LIMIT ?2",
      p, [&](const sql::Row& r) {
        Event e;
        e.seq = r.Int(0);
        e.id = "evt-" + std::to_string(e.seq);
        e.account_id = r.Str(1);
        e.type = r.Str(2);
        e.time = r.Str(3);
        e.resource_id = r.Str(4);
        e.finding_id = r.Str(5);
        e.detail = nlohmann::json::parse(r.Text(15), nullptr, false);
        if (!e.detail.is_object()) e.detail = nlohmann::json::object();
        static const char* kNames[] = {"status",          "previousStatus", "severity",
                                       "vulnerabilityId", "ecosystem",      "packageName",
                                       "packageVersion",  "title",          "reason"};
        for (int i = 0; i < 9; ++i) {
          if (!r.IsNull(6 + i)) e.detail[kNames[i]] = r.Str(6 + i);
        }
        out.push_back(std::move(e));
        return true;
      }));
  return out;
}

base::Status Store::AppendEvent(const Event& e) {
  if (e.type.empty() || e.account_id.empty()) {
    return base::Status::InvalidArgument("an event needs a type and an account");
  }
  internal::Lease lease(*impl_);
  return lease.conn()
      .Exec(
          "INSERT INTO events (account_id, type, time, resource_id, finding_id, detail) VALUES "
          "(?1, ?2, ?3, ?4, ?5, ?6)",
          {Value(e.account_id), Value(e.type), Value(e.time), Value(e.resource_id),
           Value(e.finding_id), Value(e.detail.dump())})
      .status();
}

}  // namespace assay::findings
