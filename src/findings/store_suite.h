// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The store's test suite, written once and run against both backends: store_test.cc runs it on
// SQLite, store_itest.cc on a real PostgreSQL (and SQLite again, side by side). A test opens a
// fresh store through the parameter's factory.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "findings/migrations.h"
#include "findings/store.h"

namespace assay::findings::testing {

struct Backend {
  std::string name;
  // A new, empty database for one test: a SQLite path or a postgres:// URL.
  std::function<std::string(const std::string& test_name)> make;
};

inline void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

class StoreSuite : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    url_ = GetParam().make(name);
    if (url_.empty()) GTEST_SKIP() << GetParam().name << " unavailable";
    auto s = Store::Open(url_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->CreateAccount({"acme", "Acme", "", ""}, kT0).ok());
  }

  static constexpr const char* kT0 = "2026-01-01T00:00:00Z";
  static constexpr const char* kBuild = "build-1";

  static model::Package Pkg(std::string eco, std::string name, std::string version,
                            std::string path = "var/lib/dpkg/status") {
    model::Package p;
    p.ecosystem = std::move(eco);
    p.name = std::move(name);
    p.version = std::move(version);
    p.path = std::move(path);
    p.package_manager = "dpkg";
    return p;
  }

  static model::Inventory Inv(std::vector<model::Package> pkgs) {
    model::Inventory inv;
    inv.os.id = "debian";
    inv.os.ecosystem = "Debian:12";
    inv.packages = std::move(pkgs);
    inv.collectors = {"dpkg@1"};
    return inv;
  }

  static ResourceInput Res(std::string id, std::string account = "acme",
                           std::vector<std::pair<std::string, std::string>> tags = {}) {
    ResourceInput r;
    r.account_id = std::move(account);
    r.id = std::move(id);
    r.type = "host";
    r.tags = std::move(tags);
    return r;
  }

  static PackageVuln Vuln(std::string id, model::Severity sev, std::string fixed = "") {
    PackageVuln v;
    v.vulnerability_id = id;
    v.finding.title = id + " - pkg";
    v.finding.description = "about " + id;
    v.finding.severity = sev;
    v.finding.fix_available = fixed.empty() ? model::FixAvailable::kNo : model::FixAvailable::kYes;
    v.finding.package_vulnerability_details.vulnerability_id = id;
    model::VulnerablePackage vp;
    vp.fixed_in_version = fixed;
    v.finding.package_vulnerability_details.vulnerable_packages.push_back(vp);
    return v;
  }

  // Stores an inventory, applies `vulns` (package name@version → vulnerabilities) to the
  // packages that need matching, and reconciles: what assess::Evaluator does with a real DB.
  ChangeStats Submit(const ResourceInput& r, const model::Inventory& inv,
                     const std::map<std::string, std::vector<PackageVuln>>& vulns,
                     const std::string& now, const std::string& build = kBuild) {
    ChangeStats total;
    auto put = store_->PutInventory(r, inv, build, now);
    EXPECT_TRUE(put.ok()) << put.status().ToString();
    if (!put.ok()) return total;
    if (put->unchanged) {  // evaluated already: only its scan.completed event
      total.events = 1;
      return total;
    }
    std::vector<PackageMatches> ms;
    for (const auto& ip : put->unmatched) {
      PackageMatches m;
      m.pkg = ip.pk;
      m.keys.push_back({"Debian", ip.name});
      auto it = vulns.find(ip.name + "@" + ip.version);
      if (it != vulns.end()) m.vulns = it->second;
      ms.push_back(std::move(m));
    }
    auto a = store_->ApplyMatches(ms, build, now);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    if (a.ok()) total += *a;
    auto rec = store_->ReconcileResource(put->resource.pk, build, now);
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    if (rec.ok()) total += *rec;
    return total;
  }

  std::vector<StoredFinding> All(const std::string& status = "",
                                 std::vector<std::string> accounts = {"acme"}) {
    ListOptions o;
    o.accounts = std::move(accounts);
    o.limit = 1000;
    if (!status.empty()) {
      auto c = ParseFilterCriteria(nlohmann::json::parse(
          R"({"findingStatus":[{"comparison":"EQUALS","value":")" + status + R"("}]})"));
      EXPECT_TRUE(c.ok());
      o.criteria = *c;
    }
    auto page = store_->ListFindings(o);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items : std::vector<StoredFinding>{};
  }

  std::vector<Event> Events(std::int64_t after = 0, std::vector<std::string> accounts = {"acme"}) {
    auto e = store_->ListEvents(accounts, after, 1000);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? *e : std::vector<Event>{};
  }

  static std::multiset<std::string> Types(const std::vector<Event>& es) {
    std::multiset<std::string> out;
    for (const auto& e : es) out.insert(e.type);
    return out;
  }

  std::string url_;
  std::unique_ptr<Store> store_;
};

using Sev = model::Severity;

TEST_P(StoreSuite, CreatesFindingsAndFansOutToEveryResource) {
  std::map<std::string, std::vector<PackageVuln>> v = {
      {"openssl@3.0.1", {Vuln("CVE-1", Sev::kHigh, "3.0.2"), Vuln("CVE-2", Sev::kLow)}}};
  auto inv = Inv({Pkg("Debian:12", "openssl", "3.0.1"), Pkg("Debian:12", "zlib", "1.2")});
  ChangeStats s1 = Submit(Res("host:a"), inv, v, kT0);
  EXPECT_EQ(s1.created, 2);
  ChangeStats s2 = Submit(Res("host:b"), inv, v, kT0);
  EXPECT_EQ(s2.created, 2);  // the package's stored match fans out; nothing is matched again
  auto all = All();
  ASSERT_EQ(all.size(), 4u);
  for (const auto& f : all) {
    EXPECT_EQ(f.finding.status, "ACTIVE");
    EXPECT_EQ(f.finding.package_vulnerability_details.vulnerable_packages[0].name, "openssl");
    EXPECT_EQ(f.finding.package_vulnerability_details.vulnerable_packages[0].file_path,
              "var/lib/dpkg/status");
    EXPECT_EQ(f.finding.first_observed_at, kT0);
    EXPECT_EQ(f.finding.description.substr(0, 6), "about ");
  }
  auto ev = Events();
  EXPECT_EQ(Types(ev).count("finding.created"), 4u);
  EXPECT_EQ(Types(ev).count("scan.completed"), 2u);
  auto pk = store_->CountPackages();
  ASSERT_TRUE(pk.ok());
  EXPECT_EQ(*pk, 2);  // interned: shared by both resources
}

TEST_P(StoreSuite, UpgradeClosesAndRecurrenceReopensWithinTheWindow) {
  std::map<std::string, std::vector<PackageVuln>> v = {
      {"openssl@3.0.1", {Vuln("CVE-1", Sev::kHigh, "3.0.2")}}};
  Submit(Res("host:a"), Inv({Pkg("Debian:12", "openssl", "3.0.1")}), v, kT0);
  auto before = All();
  ASSERT_EQ(before.size(), 1u);
  const std::string id = before[0].finding.finding_id;

  ChangeStats up =
      Submit(Res("host:a"), Inv({Pkg("Debian:12", "openssl", "3.0.2")}), v, "2026-01-02T00:00:00Z");
  EXPECT_EQ(up.closed, 1);
  auto closed = All("CLOSED");
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].closed_reason, "PACKAGE_REMOVED");
  EXPECT_EQ(closed[0].closed_at, "2026-01-02T00:00:00Z");

  // Back within 7 days: the same finding, reopened.
  ChangeStats re =
      Submit(Res("host:a"), Inv({Pkg("Debian:12", "openssl", "3.0.1")}), v, "2026-01-05T00:00:00Z");
  EXPECT_EQ(re.reopened, 1);
  EXPECT_EQ(re.created, 0);
  auto active = All("ACTIVE");
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].finding.finding_id, id);
  EXPECT_EQ(active[0].finding.first_observed_at, kT0);

  // Closed again, back after 10 days: a new finding.
  Submit(Res("host:a"), Inv({Pkg("Debian:12", "openssl", "3.0.2")}), v, "2026-01-06T00:00:00Z");
  ChangeStats late =
      Submit(Res("host:a"), Inv({Pkg("Debian:12", "openssl", "3.0.1")}), v, "2026-01-16T00:00:00Z");
  EXPECT_EQ(late.created, 1);
  EXPECT_EQ(late.reopened, 0);
  active = All("ACTIVE");
  ASSERT_EQ(active.size(), 1u);
  EXPECT_NE(active[0].finding.finding_id, id);
  EXPECT_EQ(active[0].finding.first_observed_at, "2026-01-16T00:00:00Z");
  auto old = store_->GetFinding(std::vector<std::string>{"acme"}, id);
  EXPECT_FALSE(old.ok());
}

TEST_P(StoreSuite, LastObservedAtIsRefreshedOnEachEvaluation) {
  std::map<std::string, std::vector<PackageVuln>> v = {
      {"openssl@3.0.1", {Vuln("CVE-1", Sev::kHigh)}}};
  auto inv = Inv({Pkg("Debian:12", "openssl", "3.0.1")});
  Submit(Res("host:a"), inv, v, kT0);
  auto n = Events().size();
  ChangeStats again = Submit(Res("host:a"), inv, v, "2026-01-03T00:00:00Z");
  EXPECT_EQ(again.created + again.closed + again.updated + again.reopened, 0);
  auto f = All();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].finding.last_observed_at, "2026-01-03T00:00:00Z");
  EXPECT_EQ(f[0].finding.first_observed_at, kT0);
  auto ev = Events();
  EXPECT_EQ(ev.size(), n + 1);  // only the scan.completed event
  EXPECT_EQ(ev.back().type, "scan.completed");
  // Once closed, it keeps the time it was last seen.
  Submit(Res("host:a"), Inv({Pkg("Debian:12", "openssl", "3.0.2")}), v, "2026-01-05T00:00:00Z");
  auto closed = All("CLOSED");
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].finding.last_observed_at, "2026-01-03T00:00:00Z");
  EXPECT_EQ(closed[0].finding.updated_at, "2026-01-05T00:00:00Z");
}

TEST_P(StoreSuite, AdvisoryChangesFanOutAsCreatedUpdatedClosed) {
  std::map<std::string, std::vector<PackageVuln>> v = {
      {"openssl@3.0.1", {Vuln("CVE-1", Sev::kHigh), Vuln("CVE-2", Sev::kLow)}}};
  auto inv = Inv({Pkg("Debian:12", "openssl", "3.0.1")});
  Submit(Res("host:a"), inv, v, kT0);
  Submit(Res("host:b"), inv, v, kT0);
  auto seq = Events().back().seq;
  auto pkgs = store_->PackagesByKeys(std::vector<PackageKey>{{"Debian", "openssl"}});
  ASSERT_TRUE(pkgs.ok());
  ASSERT_EQ(pkgs->size(), 1u);
  PackageMatches m;
  m.pkg = (*pkgs)[0].pk;
  m.keys.push_back({"Debian", "openssl"});
  m.vulns = {Vuln("CVE-1", Sev::kCritical), Vuln("CVE-3", Sev::kMedium)};
  auto st = store_->ApplyMatches(std::vector<PackageMatches>{m}, "build-2", "2026-01-02T00:00:00Z");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->created, 2);
  EXPECT_EQ(st->updated, 2);
  EXPECT_EQ(st->closed, 2);
  auto ev = Events(seq);
  EXPECT_EQ(Types(ev),
            (std::multiset<std::string>{"finding.created", "finding.created", "finding.updated",
                                        "finding.updated", "finding.closed", "finding.closed"}));
  for (const auto& f : All("ACTIVE")) {
    if (f.finding.package_vulnerability_details.vulnerability_id == "CVE-1") {
      EXPECT_EQ(f.finding.severity, Sev::kCritical);
    }
  }
  for (const auto& f : All("CLOSED")) EXPECT_EQ(f.closed_reason, "NO_LONGER_AFFECTED");
  // The same results again change nothing.
  auto again =
      store_->ApplyMatches(std::vector<PackageMatches>{m}, "build-2", "2026-01-03T00:00:00Z");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events, 0);
}

TEST_P(StoreSuite, SuppressionRulesApplyToExistingAndNewFindingsAndExpire) {
  std::map<std::string, std::vector<PackageVuln>> v = {
      {"openssl@3.0.1", {Vuln("CVE-1", Sev::kHigh), Vuln("CVE-2", Sev::kLow)}},
      {"zlib@1.2", {Vuln("CVE-9", Sev::kLow)}}};
  Submit(Res("host:a", "acme", {{"env", "dev"}}), Inv({Pkg("Debian:12", "openssl", "3.0.1")}), v,
         kT0);
  SuppressionRule rule;
  rule.account_id = "acme";
  rule.name = "low in dev";
  rule.reason = "accepted risk";
  auto c = ParseFilterCriteria(nlohmann::json::parse(
      R"({"severity":[{"comparison":"EQUALS","value":"LOW"}],
          "resourceTags":[{"comparison":"EQUALS","key":"env","value":"dev"}]})"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  rule.criteria = *c;
  rule.expires_at = "2026-02-01T00:00:00Z";
  auto put = store_->PutSuppressionRule(rule, "2026-01-02T00:00:00Z");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  auto sup = All("SUPPRESSED");
  ASSERT_EQ(sup.size(), 1u);
  EXPECT_EQ(sup[0].suppressed_by, put->id);
  EXPECT_EQ(Events().back().type, "finding.updated");

  // A new LOW finding on a dev host is created suppressed; on a prod host it is not.
  ChangeStats s =
      Submit(Res("host:a", "acme", {{"env", "dev"}}),
             Inv({Pkg("Debian:12", "openssl", "3.0.1"), Pkg("Debian:12", "zlib", "1.2")}), v,
             "2026-01-03T00:00:00Z");
  EXPECT_EQ(s.created, 1);
  EXPECT_EQ(s.suppressed, 1);
  Submit(Res("host:p", "acme", {{"env", "prod"}}), Inv({Pkg("Debian:12", "zlib", "1.2")}), v,
         "2026-01-03T00:00:00Z");
  EXPECT_EQ(All("SUPPRESSED").size(), 2u);

  auto rules =
      store_->ListSuppressionRules(std::vector<std::string>{"acme"}, "2026-03-01T00:00:00Z");
  ASSERT_TRUE(rules.ok());
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_TRUE((*rules)[0].expired);

  auto exp = store_->ExpireSuppressionRules("2026-03-01T00:00:00Z");
  ASSERT_TRUE(exp.ok()) << exp.status().ToString();
  EXPECT_EQ(exp->unsuppressed, 2);
  EXPECT_EQ(All("SUPPRESSED").size(), 0u);
  EXPECT_EQ(Types(Events()).count("suppression.expired"), 1u);
  // Expiring twice reports nothing new.
  auto exp2 = store_->ExpireSuppressionRules("2026-03-02T00:00:00Z");
  ASSERT_TRUE(exp2.ok());
  EXPECT_EQ(exp2->events, 0);
}

TEST_P(StoreSuite, DeletingARuleUnsuppresses) {
  std::map<std::string, std::vector<PackageVuln>> v = {
      {"openssl@3.0.1", {Vuln("CVE-1", Sev::kHigh)}}};
  Submit(Res("host:a"), Inv({Pkg("Debian:12", "openssl", "3.0.1")}), v, kT0);
  SuppressionRule rule;
  rule.account_id = "acme";
  rule.name = "cve-1";
  rule.reason = "not exploitable here";
  rule.criteria = *ParseFilterCriteria(
      nlohmann::json::parse(R"({"vulnerabilityId":[{"comparison":"PREFIX","value":"CVE-"}]})"));
  auto put = store_->PutSuppressionRule(rule, kT0);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(All("SUPPRESSED").size(), 1u);
  auto dup = store_->PutSuppressionRule(rule, kT0);
  EXPECT_FALSE(dup.ok());
  auto del = store_->DeleteSuppressionRule("acme", put->id, kT0);
  ASSERT_TRUE(del.ok()) << del.status().ToString();
  EXPECT_EQ(del->unsuppressed, 1);
  EXPECT_EQ(All("ACTIVE").size(), 1u);
  EXPECT_FALSE(store_->DeleteSuppressionRule("acme", put->id, kT0).ok());
}

TEST_P(StoreSuite, DeletedResourcesCloseTheirFindingsAndArePurged) {
  std::map<std::string, std::vector<PackageVuln>> v = {
      {"openssl@3.0.1", {Vuln("CVE-1", Sev::kHigh)}}};
  auto inv = Inv({Pkg("Debian:12", "openssl", "3.0.1")});
  Submit(Res("host:a"), inv, v, kT0);
  Submit(Res("host:b"), inv, v, kT0);
  auto del = store_->DeleteResource("acme", "host:a", "2026-01-02T00:00:00Z");
  ASSERT_TRUE(del.ok()) << del.status().ToString();
  EXPECT_EQ(del->closed, 1);
  auto closed = All("CLOSED");
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].closed_reason, "RESOURCE_DELETED");
  EXPECT_EQ(Events().back().type, "resource.deleted");
  EXPECT_FALSE(store_->DeleteResource("acme", "host:a", "2026-01-02T00:00:00Z").ok());

  auto p1 = store_->Purge("2026-01-04T00:00:00Z");  // 2 days: kept
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->resources, 0);
  auto p2 = store_->Purge("2026-01-05T01:00:00Z");  // 3 days: gone
  ASSERT_TRUE(p2.ok()) << p2.status().ToString();
  EXPECT_EQ(p2->resources, 1);
  EXPECT_EQ(p2->findings, 1);
  EXPECT_FALSE(store_->GetResource(std::vector<std::string>{"acme"}, "host:a").ok());

  // Closed findings of live resources stay 30 days.
  Submit(Res("host:b"), Inv({}), v, "2026-01-06T00:00:00Z");
  EXPECT_EQ(All("CLOSED").size(), 1u);
  ASSERT_TRUE(store_->Purge("2026-02-01T00:00:00Z").ok());
  EXPECT_EQ(All("CLOSED").size(), 1u);
  auto p3 = store_->Purge("2026-02-06T00:00:00Z");
  ASSERT_TRUE(p3.ok());
  EXPECT_EQ(p3->findings, 1);
  EXPECT_EQ(All().size(), 0u);
}

TEST_P(StoreSuite, PagesAreCompleteAndOrdered) {
  std::vector<PackageVuln> many;
  for (int i = 0; i < 250; ++i) {
    many.push_back(Vuln("CVE-2026-" + std::to_string(10000 + i), static_cast<Sev>(i % 6)));
  }
  Submit(Res("host:a"), Inv({Pkg("Debian:12", "openssl", "3.0.1")}), {{"openssl@3.0.1", many}},
         kT0);
  for (auto sort : {ListOptions::Sort::kNewest, ListOptions::Sort::kSeverity}) {
    ListOptions o;
    o.accounts = {"acme"};
    o.limit = 100;
    o.sort = sort;
    std::set<std::string> seen;
    int pages = 0;
    int last_rank = 99;
    do {
      auto page = store_->ListFindings(o);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      ++pages;
      for (const auto& f : page->items) {
        EXPECT_TRUE(seen.insert(f.finding.finding_id).second);
        if (sort == ListOptions::Sort::kSeverity) {
          EXPECT_LE(static_cast<int>(f.finding.severity), last_rank);
          last_rank = static_cast<int>(f.finding.severity);
        }
      }
      o.cursor = page->next_cursor;
    } while (!o.cursor.empty());
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen.size(), 250u);
  }
  // Severity criteria (EQUALS ones also go by rank): each count of the 250 (i % 6 per rank).
  struct SevCase {
    const char* criteria;
    size_t count;
  };
  const SevCase sev_cases[] = {
      {R"({"severity":[{"comparison":"EQUALS","value":"CRITICAL"}]})", 41},
      {R"({"severity":[{"comparison":"EQUALS","value":"CRITICAL"},)"
       R"({"comparison":"EQUALS","value":"LOW"}]})",
       83},
      {R"({"severity":[{"comparison":"EQUALS","value":"Critical"}]})", 0},  // case-sensitive
      {R"({"severity":[{"comparison":"EQUALS","value":"NOPE"}]})", 0},
      {R"({"severity":[{"comparison":"EQUALS","value":"HIGH"},)"
       R"({"comparison":"NOT_EQUALS","value":"HIGH"}]})",
       0},
      {R"({"severity":[{"comparison":"PREFIX","value":"CRIT"},)"
       R"({"comparison":"EQUALS","value":"LOW"}]})",
       83},
      {R"({"severity":[{"comparison":"NOT_EQUALS","value":"LOW"}]})", 208},
  };
  for (const SevCase& c : sev_cases) {
    SCOPED_TRACE(c.criteria);
    auto criteria = ParseFilterCriteria(nlohmann::json::parse(c.criteria));
    ASSERT_TRUE(criteria.ok()) << criteria.status().ToString();
    ListOptions o;
    o.accounts = {"acme"};
    o.limit = 1000;
    o.criteria = *criteria;
    auto page = store_->ListFindings(o);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_EQ(page->items.size(), c.count);
  }
  ListOptions bad;
  bad.accounts = {"acme"};
  bad.cursor = "zzz";
  EXPECT_EQ(store_->ListFindings(bad).status().code(), base::Code::kInvalidArgument);

  auto agg = store_->Aggregate(std::vector<std::string>{"acme"}, {}, AggregateBy::kSeverity, 10);
  ASSERT_TRUE(agg.ok()) << agg.status().ToString();
  ASSERT_EQ(agg->size(), 6u);
  EXPECT_EQ((*agg)[0].key, "CRITICAL");
  EXPECT_EQ((*agg)[0].critical, 41);
  auto count = store_->CountFindings(std::vector<std::string>{"acme"}, {});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 250);
}

TEST_P(StoreSuite, AccountsSeeOnlyTheirOwnDataUnlessOrganisationAdmin) {
  ASSERT_TRUE(store_->CreateAccount({"org", "Org", "", ""}, kT0).ok());
  ASSERT_TRUE(store_->CreateAccount({"team-a", "A", "org", ""}, kT0).ok());
  ASSERT_TRUE(store_->CreateAccount({"team-b", "B", "org", ""}, kT0).ok());
  EXPECT_FALSE(store_->CreateAccount({"team-c", "C", "team-a", ""}, kT0).ok());  // no nesting
  EXPECT_FALSE(store_->CreateAccount({"Bad Id", "x", "", ""}, kT0).ok());
  std::map<std::string, std::vector<PackageVuln>> v = {
      {"openssl@3.0.1", {Vuln("CVE-1", Sev::kHigh)}}};
  auto inv = Inv({Pkg("Debian:12", "openssl", "3.0.1")});
  Submit(Res("host:a", "team-a"), inv, v, kT0);
  Submit(Res("host:b", "team-b"), inv, v, kT0);

  auto ka = store_->CreateApiKey("team-a", Role::kAnalyst, "ci", kT0);
  auto ko = store_->CreateApiKey("org", Role::kReadOnly, "dash", kT0);
  ASSERT_TRUE(ka.ok() && ko.ok());
  auto pa = store_->Authenticate(ka->secret, kT0);
  ASSERT_TRUE(pa.ok()) << pa.status().ToString();
  EXPECT_EQ(pa->visible_accounts, (std::vector<std::string>{"team-a"}));
  EXPECT_EQ(pa->role, Role::kAnalyst);
  auto po = store_->Authenticate(ko->secret, kT0);
  ASSERT_TRUE(po.ok());
  EXPECT_EQ(po->visible_accounts, (std::vector<std::string>{"org", "team-a", "team-b"}));

  EXPECT_EQ(All("", pa->visible_accounts).size(), 1u);
  EXPECT_EQ(All("", po->visible_accounts).size(), 2u);
  auto fb = All("", {"team-b"});
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_FALSE(store_->GetFinding(pa->visible_accounts, fb[0].finding.finding_id).ok());
  EXPECT_FALSE(store_->GetResource(pa->visible_accounts, "host:b").ok());
  EXPECT_EQ(Events(0, pa->visible_accounts).size(), 2u);  // created + scan.completed

  // Wrong, malformed and revoked keys.
  std::string wrong = ka->secret;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_FALSE(store_->Authenticate(wrong, kT0).ok());
  EXPECT_FALSE(store_->Authenticate("assay_nonsense", kT0).ok());
  EXPECT_FALSE(store_->Authenticate("", kT0).ok());
  ASSERT_TRUE(store_->RevokeApiKey("team-a", ka->key.id, kT0).ok());
  EXPECT_FALSE(store_->Authenticate(ka->secret, kT0).ok());
  EXPECT_FALSE(store_->RevokeApiKey("team-b", ko->key.id, kT0).ok());  // not its key
}

TEST_P(StoreSuite, BadInputWritesNothing) {
  auto bad_type = Res("x");
  bad_type.type = "toaster";
  EXPECT_EQ(store_->PutInventory(bad_type, Inv({}), kBuild, kT0).status().code(),
            base::Code::kInvalidArgument);
  auto bad_pkg = Inv({Pkg("Debian:12", "", "1")});
  EXPECT_EQ(store_->PutInventory(Res("host:z"), bad_pkg, kBuild, kT0).status().code(),
            base::Code::kInvalidArgument);
  auto rs = store_->ListResources(std::vector<std::string>{"acme"}, "", 10);
  ASSERT_TRUE(rs.ok());
  EXPECT_TRUE(rs->items.empty());
  EXPECT_TRUE(Events().empty());
}

TEST_P(StoreSuite, InventoriesRoundTrip) {
  auto inv =
      Inv({Pkg("Debian:12", "openssl", "3.0.1"), Pkg("PyPI", "Django", "4.2", "app/req.txt")});
  inv.packages[1].package_manager = "pip";
  inv.packages[1].dev = true;
  inv.warnings.push_back({"app/req.txt:3", "unpinned"});
  auto put = store_->PutInventory(Res("host:a", "acme", {{"team", "x"}}), inv, kBuild, kT0);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->unmatched.size(), 2u);
  EXPECT_EQ(put->resource.tags, (std::vector<std::pair<std::string, std::string>>{{"team", "x"}}));
  auto back = store_->GetInventory(put->resource.pk);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->os.ecosystem, "Debian:12");
  ASSERT_EQ(back->packages.size(), 2u);
  EXPECT_EQ(back->packages[0].name, "openssl");  // by ecosystem, name, version
  EXPECT_EQ(back->packages[1].name, "Django");
  EXPECT_TRUE(back->packages[1].dev);
  ASSERT_EQ(back->warnings.size(), 1u);
  EXPECT_EQ(store_->schema_version(), static_cast<int>(Migrations().back().version));
}

}  // namespace assay::findings::testing
