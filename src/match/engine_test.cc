// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// MatchInventory over a small advisory DB built in a temporary directory: lookups shared by the
// binary packages of one source package, one warning per unmatchable ecosystem, details and
// KEV/NVD enrichment from the DB, deterministic order.
#include "match/engine.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "advisories/test_util.h"
#include "advisories/update.h"
#include "base/file.h"
#include "match/test_util.h"

namespace assay::match {
namespace {

namespace adv = advisories::testing;
using match::testing::Pkg;

class MatchInventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create("assay-match-engine-test");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::make_unique<base::TempDir>(std::move(*dir));
    const std::string cvss_critical = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    adv::WriteZip(
        dir_->path() / "mirror/Debian/all.zip",
        adv::Entries({
            {"DSA-1", adv::Osv("DSA-1", {{"Debian:11", "openssl", "1.1.1n-0+deb11u4"}}, {},
                               "2024-01-01T00:00:00Z", "", {"CVE-2024-0001"})},
            {"DSA-2", adv::Osv("DSA-2", {{"Debian:11", "openssl", "1.1.1n-0+deb11u9"}}, {},
                               "2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z")},
            {"DLA-3", adv::Osv("DLA-3", {{"Debian:11", "openssl", ""}}, {}, "2024-01-01T00:00:00Z",
                               "", {"CVE-2024-0002"})},
            {"DSA-4", adv::Osv("DSA-4", {{"Debian:12", "openssl", "3.0.9-1"}})},
            {"DSA-5", adv::Osv("DSA-5", {{"Debian:11", "zlib", "1:1.2.11.dfsg-2+deb11u2"}}, {},
                               "2024-01-01T00:00:00Z", "", {}, cvss_critical)},
        }));
    auto source = advisories::MakeDirectoryFeedSource(dir_->path() / "mirror");
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    advisories::UpdateOptions o;
    o.db_path = dir_->path() / "advisories.db";
    o.load_enrichment = [] {
      advisories::Enrichment e;
      e.kev.push_back({"CVE-2024-0001", "OpenSSL", "OpenSSL", "x", "2024-03-01", "", ""});
      advisories::NvdCvss nvd;
      nvd.cve = "CVE-2024-0001";
      nvd.v3_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N";
      e.nvd.push_back(nvd);
      e.sources.push_back("test");
      return base::Result<advisories::Enrichment>(std::move(e));
    };
    auto updated = advisories::UpdateDb(**source, o);
    ASSERT_TRUE(updated.ok()) << updated.status().ToString();
    auto db = advisories::AdvisoryDb::Open(o.db_path);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }

  std::unique_ptr<base::TempDir> dir_;
  std::unique_ptr<advisories::AdvisoryDb> db_;
};

TEST_F(MatchInventoryTest, Inventory) {
  model::Inventory inv;
  inv.os = match::testing::Os("Debian:11");
  inv.packages = {
      Pkg("Debian:11", "libssl-dev", "1.1.1n-0+deb11u3", "openssl"),
      Pkg("Debian:11", "libssl1.1", "1.1.1n-0+deb11u3", "openssl"),
      Pkg("Debian:11", "openssl", "1.1.1n-0+deb11u3"),
      Pkg("Debian:11", "zlib1g", "1:1.2.11.dfsg-2+deb11u2", "zlib"),  // fixed already
      Pkg("Debian:11", "broken", "not-a-version"),
      Pkg("Debian", "stray1", "1.0"),
      Pkg("Debian", "stray2", "1.0"),
  };
  auto r = MatchInventory(inv, *db_, {"rootfs:/srv/x", "2024-05-01T00:00:00Z"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();

  // openssl once for three packages, zlib, broken.
  EXPECT_EQ(r->lookups, 3u);
  EXPECT_EQ(r->packages_matched, 5u);
  EXPECT_EQ(r->advisories, 2u);  // DSA-1, DLA-3
  EXPECT_EQ(r->cves, 2u);

  std::vector<std::string> got;
  for (const auto& f : r->findings) {
    const auto& d = f.package_vulnerability_details;
    got.push_back(std::string(model::SeverityName(f.severity)) + " " + d.vulnerability_id + " " +
                  d.vulnerable_packages[0].name + " " + d.vulnerable_packages[0].fixed_in_version);
  }
  EXPECT_EQ(got, (std::vector<std::string>{
                     "HIGH DSA-1 libssl-dev 1.1.1n-0+deb11u4",
                     "HIGH DSA-1 libssl1.1 1.1.1n-0+deb11u4",
                     "HIGH DSA-1 openssl 1.1.1n-0+deb11u4",
                     "UNTRIAGED DLA-3 libssl-dev ",
                     "UNTRIAGED DLA-3 libssl1.1 ",
                     "UNTRIAGED DLA-3 openssl ",
                 }));
  const model::Finding& top = r->findings[0];
  EXPECT_EQ(top.description, "summary of DSA-1");
  EXPECT_TRUE(top.exploit_available);
  EXPECT_EQ(top.kev_date_added, "2024-03-01");
  ASSERT_TRUE(top.score.has_value());
  EXPECT_DOUBLE_EQ(*top.score, 8.1);
  EXPECT_EQ(top.first_observed_at, "2024-05-01T00:00:00Z");
  EXPECT_EQ(top.package_vulnerability_details.cvss.size(), 1u);
  EXPECT_EQ(top.package_vulnerability_details.cvss[0].source, "NVD:CVE-2024-0001");
  EXPECT_FALSE(r->findings[3].exploit_available);

  // One warning for the release-less ecosystem, one for the bad version.
  ASSERT_EQ(r->warnings.size(), 2u);
  EXPECT_EQ(r->warnings[0].location, "Debian");
  EXPECT_NE(r->warnings[0].message.find("2 packages of 'Debian' not matched"), std::string::npos)
      << r->warnings[0].message;
  EXPECT_NE(r->warnings[1].message.find("package broken not-a-version"), std::string::npos)
      << r->warnings[1].message;

  // Same input, same ids and order; another resource, other ids.
  auto again = MatchInventory(inv, *db_, {"rootfs:/srv/x", "2024-05-02T00:00:00Z"});
  ASSERT_TRUE(again.ok());
  auto other = MatchInventory(inv, *db_, {"rootfs:/srv/y", "2024-05-02T00:00:00Z"});
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(again->findings.size(), r->findings.size());
  for (size_t i = 0; i < r->findings.size(); ++i) {
    EXPECT_EQ(again->findings[i].finding_id, r->findings[i].finding_id);
    EXPECT_NE(other->findings[i].finding_id, r->findings[i].finding_id);
  }
}

TEST_F(MatchInventoryTest, EmptyInventoryAndDefaultTime) {
  auto r = MatchInventory(model::Inventory{}, *db_, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->findings.empty());
  EXPECT_TRUE(r->warnings.empty());
  EXPECT_EQ(r->lookups, 0u);

  model::Inventory inv;
  inv.os = match::testing::Os("Debian:11");
  inv.packages = {Pkg("Debian:11", "openssl", "1.1.1n-0+deb11u3")};
  auto now = MatchInventory(inv, *db_, {});
  ASSERT_TRUE(now.ok());
  ASSERT_FALSE(now->findings.empty());
  const std::string& t = now->findings[0].first_observed_at;
  ASSERT_EQ(t.size(), 20u) << t;  // 2024-05-01T00:00:00Z
  EXPECT_EQ(t[10], 'T');
  EXPECT_EQ(t.back(), 'Z');
}

}  // namespace
}  // namespace assay::match
