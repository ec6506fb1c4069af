// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Continuous re-evaluation over real advisory DB builds made from small mirrors: a new inventory
// is matched and stored; a second DB build where one advisory's fix moved, one advisory was added
// and one unrelated advisory appeared re-matches only the packages those advisories name, closes
// and creates the right findings on every resource, and a full rematch afterwards changes
// nothing.
#include "assess/evaluator.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

#include "advisories/test_util.h"
#include "advisories/update.h"
#include "base/file.h"

namespace assay::assess {
namespace {

namespace adv = advisories::testing;
namespace fs = std::filesystem;

model::Package Pkg(std::string eco, std::string name, std::string version,
                   std::string source = "") {
  model::Package p;
  p.ecosystem = std::move(eco);
  p.name = std::move(name);
  p.version = std::move(version);
  p.source_name = std::move(source);
  p.path = "var/lib/dpkg/status";
  return p;
}

class EvaluatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create("assay-evaluator-test");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<base::TempDir>(std::move(*dir));
    auto store = findings::Store::Open((dir_->path() / "state.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->CreateAccount({"acme", "Acme", "", ""}, kT0).ok());
  }

  std::unique_ptr<advisories::AdvisoryDb> BuildDb(
      const std::string& name, const std::vector<std::pair<std::string, std::string>>& debian,
      const std::vector<std::pair<std::string, std::string>>& pypi) {
    fs::path mirror = dir_->path() / (name + "-mirror");
    adv::WriteZip(mirror / "Debian/all.zip", adv::Entries(debian));
    adv::WriteZip(mirror / "PyPI/all.zip", adv::Entries(pypi));
    auto source = advisories::MakeDirectoryFeedSource(mirror);
    EXPECT_TRUE(source.ok());
    advisories::UpdateOptions o;
    o.db_path = dir_->path() / (name + ".db");
    o.load_enrichment = [] {
      return base::Result<advisories::Enrichment>(advisories::Enrichment{});
    };
    auto updated = advisories::UpdateDb(**source, o);
    EXPECT_TRUE(updated.ok()) << updated.status().ToString();
    auto db = advisories::AdvisoryDb::Open(o.db_path);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }

  findings::ResourceInput Res(std::string id) {
    findings::ResourceInput r;
    r.account_id = "acme";
    r.id = std::move(id);
    r.type = "host";
    return r;
  }

  static model::Inventory Inv(std::vector<model::Package> pkgs) {
    model::Inventory inv;
    inv.os.id = "debian";
    inv.os.ecosystem = "Debian:11";
    inv.packages = std::move(pkgs);
    return inv;
  }

  // (resource, vulnerability) of the findings with `status`.
  std::set<std::pair<std::string, std::string>> Findings(const std::string& status) {
    findings::ListOptions o;
    o.accounts = {"acme"};
    o.limit = 1000;
    auto page = store_->ListFindings(o);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& f : page->items) {
      if (f.finding.status == status) {
        out.emplace(f.resource_id, f.finding.package_vulnerability_details.vulnerability_id);
      }
    }
    return out;
  }

  static constexpr const char* kT0 = "2026-01-01T00:00:00Z";
  std::unique_ptr<base::TempDir> dir_;
  std::unique_ptr<findings::Store> store_;
};

TEST_F(EvaluatorTest, NewInventoriesAndDbDeltas) {
  auto db1 =
      BuildDb("one",
              {{"DSA-1", adv::Osv("DSA-1", {{"Debian:11", "openssl", "1.1.1n-0+deb11u4"}})},
               {"DSA-5", adv::Osv("DSA-5", {{"Debian:11", "zlib", "1:1.2.11.dfsg-2+deb11u1"}})}},
              {{"PYSEC-1", adv::Osv("PYSEC-1", {{"PyPI", "django", "4.2.1"}})}});
  ASSERT_NE(db1, nullptr);
  Evaluator e1(*store_, *db1);
  ASSERT_TRUE(e1.Init().ok());

  auto a = e1.Submit(Res("host:a"),
                     Inv({Pkg("Debian:11", "libssl1.1", "1.1.1n-0+deb11u3", "openssl"),
                          Pkg("Debian:11", "zlib1g", "1:1.2.11.dfsg-2+deb11u2", "zlib"),
                          Pkg("PyPI", "Django", "4.2.0")}),
                     kT0);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->stats.changes.created, 2);
  EXPECT_EQ(a->stats.packages_matched, 3);
  auto b = e1.Submit(Res("host:b"),
                     Inv({Pkg("Debian:11", "libssl1.1", "1.1.1n-0+deb11u3", "openssl")}), kT0);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->stats.changes.created, 1);
  EXPECT_EQ(b->stats.packages_matched, 0);  // interned and matched already
  auto c = e1.Submit(Res("host:c"),
                     Inv({Pkg("Debian:11", "zlib1g", "1:1.2.11.dfsg-2+deb11u2", "zlib")}), kT0);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->stats.changes.created, 0);
  EXPECT_EQ(Findings("ACTIVE"),
            (std::set<std::pair<std::string, std::string>>{
                {"host:a", "DSA-1"}, {"host:a", "PYSEC-1"}, {"host:b", "DSA-1"}}));

  // The next build: DSA-1's fix is now the installed version, DSA-6 is new for zlib, DSA-9 names
  // a package nobody has; PYSEC-1 is unchanged.
  auto db2 =
      BuildDb("two",
              {{"DSA-1", adv::Osv("DSA-1", {{"Debian:11", "openssl", "1.1.1n-0+deb11u3"}}, {},
                                  "2024-02-01T00:00:00Z")},
               {"DSA-5", adv::Osv("DSA-5", {{"Debian:11", "zlib", "1:1.2.11.dfsg-2+deb11u1"}})},
               {"DSA-6", adv::Osv("DSA-6", {{"Debian:11", "zlib", "1:1.2.11.dfsg-2+deb11u3"}})},
               {"DSA-9", adv::Osv("DSA-9", {{"Debian:11", "curl", "7.74.0-1.3+deb11u9"}})}},
              {{"PYSEC-1", adv::Osv("PYSEC-1", {{"PyPI", "django", "4.2.1"}})}});
  ASSERT_NE(db2, nullptr);
  Evaluator e2(*store_, *db2);
  ASSERT_TRUE(e2.Init().ok());
  auto delta = e2.ApplyDbChange(*db1, "2026-01-02T00:00:00Z");
  ASSERT_TRUE(delta.ok()) << delta.status().ToString();
  EXPECT_EQ(delta->advisories_changed, 3);
  EXPECT_EQ(delta->keys_touched, 3);      // Debian/openssl, Debian/zlib, Debian/curl
  EXPECT_EQ(delta->packages_matched, 2);  // libssl1.1 and zlib1g; Django is not touched
  EXPECT_EQ(delta->changes.closed, 2);    // DSA-1 on host:a and host:b
  EXPECT_EQ(delta->changes.created, 2);   // DSA-6 on host:a and host:c
  EXPECT_EQ(Findings("ACTIVE"),
            (std::set<std::pair<std::string, std::string>>{
                {"host:a", "DSA-6"}, {"host:a", "PYSEC-1"}, {"host:c", "DSA-6"}}));
  EXPECT_EQ(Findings("CLOSED"), (std::set<std::pair<std::string, std::string>>{
                                    {"host:a", "DSA-1"}, {"host:b", "DSA-1"}}));
  auto meta = store_->GetMeta("advisory_build");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->value_or(""), e2.build_id());

  // A full rematch against the same build finds nothing to change.
  auto full = e2.RematchAll("2026-01-03T00:00:00Z");
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->packages_matched, 3);
  EXPECT_EQ(full->changes.events, 0);

  // A later inventory is matched against the new build only where needed.
  auto d = e2.Submit(Res("host:d"),
                     Inv({Pkg("Debian:11", "zlib1g", "1:1.2.11.dfsg-2+deb11u2", "zlib"),
                          Pkg("Debian:11", "curl", "7.74.0-1.3+deb11u1")}),
                     "2026-01-04T00:00:00Z");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->stats.packages_matched, 1);  // curl is new; zlib1g's result is current
  EXPECT_EQ(d->stats.changes.created, 2);   // DSA-6 and DSA-9

  // The same inventory again (an agent's next cycle): nothing matched or reconciled, the
  // findings observed now.
  auto again = e2.Submit(Res("host:d"),
                         Inv({Pkg("Debian:11", "curl", "7.74.0-1.3+deb11u1"),
                              Pkg("Debian:11", "zlib1g", "1:1.2.11.dfsg-2+deb11u2", "zlib")}),
                         "2026-01-05T00:00:00Z");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->stats.packages_matched, 0);
  EXPECT_EQ(again->stats.changes.events, 1);  // scan.completed
  EXPECT_EQ(again->stats.changes.created + again->stats.changes.closed, 0);
  EXPECT_EQ(again->resource.evaluated_at, "2026-01-05T00:00:00Z");
  findings::ListOptions lo;
  lo.accounts = {"acme"};
  auto page = store_->ListFindings(lo);
  ASSERT_TRUE(page.ok());
  int on_d = 0;
  for (const auto& f : page->items) {
    if (f.resource_id != "host:d") continue;
    ++on_d;
    EXPECT_EQ(f.finding.last_observed_at, "2026-01-05T00:00:00Z");
    EXPECT_EQ(f.finding.first_observed_at, "2026-01-04T00:00:00Z");
  }
  EXPECT_EQ(on_d, 2);
}

}  // namespace
}  // namespace assay::assess
