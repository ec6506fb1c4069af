// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "advisories/db.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "advisories/detail.h"
#include "advisories/test_util.h"
#include "advisories/update.h"
#include "base/file.h"

namespace assay::advisories {
namespace {

namespace fs = std::filesystem;
using testing::DirFeed;
using testing::Entries;
using testing::Osv;
using testing::WriteZip;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kCritical = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";

// A small mirror: Debian (two releases, a withdrawn record, CVEs as `related`), PyPI (names that
// normalise alike, aliases, one alias shared by two records) and Go, with one id in two zips.
class DbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = base::TempDir::Create("assay-db-test");
    ASSERT_TRUE(t.ok());
    tmp_ = std::make_unique<base::TempDir>(std::move(*t));
    mirror_ = tmp_->path() / "mirror";
    db_ = tmp_->path() / "cache" / "advisories.db";
    WriteDebian();
    WritePyPI({});
    WriteZip(mirror_ / "Go" / "all.zip",
             Entries({{"GO-2024-1", Osv("GO-2024-1", {{"Go", "example.com/mod", "1.2.3"}})},
                      {"SHARED-1", Osv("SHARED-1", {{"Go", "example.com/shared", "1.0.0"}})}}));
  }

  void WriteDebian(bool with_dsa2 = true) {
    std::vector<std::pair<std::string, std::string>> recs = {
        {"DSA-1-1", Osv("DSA-1-1",
                        {{"Debian:11", "openssl", "1.1.1n-0+deb11u4"},
                         {"Debian:12", "openssl", "3.0.8-1"}},
                        {}, "2023-04-02T00:00:00Z", "", {"CVE-2023-0001", "CVE-2023-0002"})},
        {"DLA-9-1", Osv("DLA-9-1", {{"Debian:11", "openssl", "1.1.1k"}}, {},
                        "2023-04-02T00:00:00Z", "2023-05-01T00:00:00Z")}};
    if (with_dsa2) {
      recs.push_back({"DSA-2-1", Osv("DSA-2-1", {{"Debian:12", "curl", "7.88.1-10"}})});
    }
    WriteZip(mirror_ / "Debian" / "all.zip", Entries(recs));
  }

  struct PyPIChanges {
    bool modify_pysec1 = false;
    bool withdraw_pysec3 = false;
    bool add_pysec5 = false;
  };
  void WritePyPI(const PyPIChanges& c) {
    std::vector<std::pair<std::string, std::string>> recs = {
        {"PYSEC-1", Osv("PYSEC-1", {{"PyPI", "Zope.Interface", "5.0"}},
                        {"CVE-2020-2", "GHSA-aaaa-bbbb-cccc"},
                        c.modify_pysec1 ? "2024-06-01T00:00:00Z" : "2024-01-01T00:00:00Z", "", {},
                        kCritical)},
        {"PYSEC-3", Osv("PYSEC-3", {{"PyPI", "requests", "2.3.0"}}, {"CVE-2020-3"},
                        "2024-01-01T00:00:00Z",
                        c.withdraw_pysec3 ? "2024-07-01T00:00:00Z" : "")},
        {"PYSEC-4", Osv("PYSEC-4", {{"PyPI", "zope_interface", "6.0"}}, {"CVE-2020-2"})},
        {"SHARED-1", Osv("SHARED-1", {{"PyPI", "shared", "1.0"}})}};
    if (c.add_pysec5) recs.push_back({"PYSEC-5", Osv("PYSEC-5", {{"PyPI", "flask", "2.0"}})});
    WriteZip(mirror_ / "PyPI" / "all.zip", Entries(recs));
  }

  base::Result<UpdateResult> Update(std::function<base::Result<Enrichment>()> enrichment = {}) {
    DirFeed feed(mirror_);
    UpdateOptions opts;
    opts.db_path = db_;
    opts.import.threads = 2;
    opts.load_enrichment = std::move(enrichment);
    return UpdateDb(feed, opts);
  }

  std::unique_ptr<AdvisoryDb> OpenDb(const fs::path& p) {
    auto db = AdvisoryDb::Open(p);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }

  static std::vector<std::string> Ids(const std::vector<AffectedEntry>& v) {
    std::vector<std::string> out;
    for (const auto& e : v) out.push_back(e.advisory_id + "@" + e.ecosystem);
    return out;
  }

  std::unique_ptr<base::TempDir> tmp_;
  fs::path mirror_;
  fs::path db_;
};

TEST_F(DbTest, LookupByExactEcosystem) {
  ASSERT_TRUE(Update().ok());
  auto db = OpenDb(db_);
  ASSERT_TRUE(db);
  auto e11 = db->Lookup("Debian:11", "openssl");
  ASSERT_TRUE(e11.ok()) << e11.status().ToString();
  EXPECT_THAT(Ids(*e11), ElementsAre("DLA-9-1@Debian:11", "DSA-1-1@Debian:11"));
  EXPECT_TRUE((*e11)[0].is_withdrawn());
  EXPECT_EQ((*e11)[0].withdrawn, "2023-05-01T00:00:00Z");
  EXPECT_FALSE((*e11)[1].is_withdrawn());
  const AffectedEntry& dsa = (*e11)[1];
  EXPECT_EQ(dsa.source, "Debian");
  EXPECT_EQ(dsa.name, "openssl");
  EXPECT_EQ(dsa.related, (std::vector<std::string>{"CVE-2023-0001", "CVE-2023-0002"}));
  ASSERT_EQ(dsa.affected.ranges.size(), 1u);
  ASSERT_EQ(dsa.affected.ranges[0].events.size(), 2u);
  EXPECT_EQ(dsa.affected.ranges[0].events[1].kind, model::OsvEvent::Kind::kFixed);
  EXPECT_EQ(dsa.affected.ranges[0].events[1].version, "1.1.1n-0+deb11u4");
  EXPECT_EQ(dsa.affected.ecosystem_specific, R"({"urgency":"high"})");

  auto e12 = db->Lookup("Debian:12", "openssl");
  ASSERT_TRUE(e12.ok());
  ASSERT_THAT(Ids(*e12), ElementsAre("DSA-1-1@Debian:12"));
  EXPECT_EQ((*e12)[0].affected.ranges[0].events[1].version, "3.0.8-1");

  auto none = db->Lookup("Debian:10", "openssl");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(db->Lookup("Debian:12", "OpenSSL")->empty());  // Debian names are exact
}

TEST_F(DbTest, LookupByBaseEcosystem) {
  ASSERT_TRUE(Update().ok());
  auto db = OpenDb(db_);
  ASSERT_TRUE(db);
  auto all = db->Lookup("Debian", "openssl", LookupScope::kBase);
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(Ids(*all),
              ElementsAre("DLA-9-1@Debian:11", "DSA-1-1@Debian:11", "DSA-1-1@Debian:12"));
  // A release-qualified ecosystem asks for its base too.
  auto same = db->Lookup("Debian:13", "openssl", LookupScope::kBase);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(Ids(*same), Ids(*all));
}

TEST_F(DbTest, LookupNormalisesPyPINames) {
  ASSERT_TRUE(Update().ok());
  auto db = OpenDb(db_);
  ASSERT_TRUE(db);
  for (const char* asked : {"zope.interface", "Zope-Interface", "ZOPE__INTERFACE"}) {
    SCOPED_TRACE(asked);
    auto e = db->Lookup("PyPI", asked);
    ASSERT_TRUE(e.ok());
    ASSERT_THAT(Ids(*e), ElementsAre("PYSEC-1@PyPI", "PYSEC-4@PyPI"));
    EXPECT_EQ((*e)[0].name, "Zope.Interface");  // as the feed wrote it
    EXPECT_EQ((*e)[1].name, "zope_interface");
    EXPECT_EQ((*e)[0].aliases, (std::vector<std::string>{"CVE-2020-2", "GHSA-aaaa-bbbb-cccc"}));
    ASSERT_EQ((*e)[0].severity.size(), 1u);
    EXPECT_EQ((*e)[0].severity[0].type, "CVSS_V3");
    EXPECT_EQ((*e)[0].severity[0].score, kCritical);
  }
}

TEST_F(DbTest, GetByIdAliasAndErrors) {
  ASSERT_TRUE(Update().ok());
  auto db = OpenDb(db_);
  ASSERT_TRUE(db);
  auto a = db->Get("PYSEC-3");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->advisory.id, "PYSEC-3");
  EXPECT_EQ(a->source, "PyPI");
  EXPECT_EQ(a->raw_json, testing::Osv("PYSEC-3", {{"PyPI", "requests", "2.3.0"}}, {"CVE-2020-3"}));
  EXPECT_TRUE(a->resolved_alias.empty());
  EXPECT_EQ(a->cves, (std::vector<std::string>{"CVE-2020-3"}));

  auto by_alias = db->Get("CVE-2020-3");
  ASSERT_TRUE(by_alias.ok());
  EXPECT_EQ(by_alias->advisory.id, "PYSEC-3");
  EXPECT_EQ(by_alias->resolved_alias, "CVE-2020-3");
  EXPECT_EQ(db->Get("GHSA-aaaa-bbbb-cccc")->advisory.id, "PYSEC-1");

  auto ambiguous = db->Get("CVE-2020-2");
  EXPECT_EQ(ambiguous.status().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(ambiguous.status().message(), HasSubstr("PYSEC-1, PYSEC-4"));

  auto related = db->Get("CVE-2023-0001");
  EXPECT_EQ(related.status().code(), base::Code::kNotFound);
  EXPECT_THAT(related.status().message(), HasSubstr("DSA-1-1"));

  EXPECT_EQ(db->Get("NOPE-1").status().code(), base::Code::kNotFound);

  auto shared = db->Get("SHARED-1");
  ASSERT_TRUE(shared.ok());
  EXPECT_THAT(shared->sources, ::testing::UnorderedElementsAre("Go", "PyPI"));

  auto ids = db->IdsWithAlias("CVE-2020-2");
  ASSERT_TRUE(ids.ok());
  EXPECT_THAT(*ids, ElementsAre("PYSEC-1", "PYSEC-4"));
}

TEST_F(DbTest, StatusRecordsBuildSourcesAndCounts) {
  auto r = Update();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto db = OpenDb(db_);
  ASSERT_TRUE(db);
  auto s = db->GetStatus();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->schema_version, kSchemaVersion);
  EXPECT_TRUE(std::regex_match(s->build_id, std::regex("[0-9a-f]{32}"))) << s->build_id;
  EXPECT_EQ(s->build_id, r->build_id);
  EXPECT_TRUE(std::regex_match(s->build_time,
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << s->build_time;
  auto info = db->GetBuildInfo();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->build_id, s->build_id);
  EXPECT_EQ(info->build_time, s->build_time);
  ASSERT_EQ(s->sources.size(), 3u);
  EXPECT_EQ(s->sources[0].name, "Debian");
  EXPECT_EQ(s->sources[0].record_count, 3);
  EXPECT_EQ(s->sources[0].entry_count, 3);
  EXPECT_EQ(s->sources[1].name, "Go");
  EXPECT_EQ(s->sources[1].record_count, 2);
  EXPECT_EQ(s->sources[2].name, "PyPI");
  EXPECT_EQ(s->sources[2].record_count, 4);
  EXPECT_THAT(s->sources[2].fingerprint, HasSubstr("test:"));
  EXPECT_EQ(s->total_records, 9);  // SHARED-1 counted once per zip
  std::map<std::string, std::int64_t> eco(s->ecosystems.begin(), s->ecosystems.end());
  EXPECT_EQ(eco["Debian:11"], 2);
  EXPECT_EQ(eco["Debian:12"], 2);
  EXPECT_EQ(eco["PyPI"], 4);
  EXPECT_EQ(eco["Go"], 2);
  EXPECT_TRUE(s->enrichment.fingerprint.empty());
}

TEST_F(DbTest, OpenErrors) {
  EXPECT_EQ(AdvisoryDb::Open(tmp_->path() / "missing.db").status().code(),
            base::Code::kNotFound);
  testing::WriteAll(tmp_->path() / "junk.db", "this is not sqlite at all, not even close....");
  EXPECT_EQ(AdvisoryDb::Open(tmp_->path() / "junk.db").status().code(), base::Code::kCorruption);
}

TEST_F(DbTest, DiffListsAddedChangedWithdrawnRemoved) {
  ASSERT_TRUE(Update().ok());
  fs::path old_copy = tmp_->path() / "old.db";
  fs::copy_file(db_, old_copy);
  WritePyPI({.modify_pysec1 = true, .withdraw_pysec3 = true, .add_pysec5 = true});
  WriteDebian(/*with_dsa2=*/false);
  ASSERT_TRUE(Update().ok());
  auto old_db = OpenDb(old_copy);
  auto new_db = OpenDb(db_);
  ASSERT_TRUE(old_db && new_db);
  auto d = DiffDbs(*old_db, *new_db);
  ASSERT_TRUE(d.ok());
  EXPECT_THAT(d->added, ElementsAre("PYSEC-5"));
  EXPECT_THAT(d->changed, ElementsAre("PYSEC-1"));
  EXPECT_THAT(d->withdrawn, ElementsAre("PYSEC-3"));
  EXPECT_THAT(d->removed, ElementsAre("DSA-2-1"));

  auto same = DiffDbs(*new_db, *new_db);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->added.empty() && same->changed.empty() && same->withdrawn.empty() &&
              same->removed.empty());
}

TEST_F(DbTest, EnrichmentReachesGetAndDetailJson) {
  auto r = Update([]() -> base::Result<Enrichment> {
    Enrichment e;
    e.kev_catalog_version = "2025.01.01";
    e.kev.push_back({"CVE-2020-3", "Python", "requests", "Requests leak", "2025-01-01",
                     "2025-01-21", "Unknown"});
    NvdCvss n;
    n.cve = "CVE-2020-3";
    n.v3_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";
    n.v3_score = 7.5;
    n.v2_vector = "AV:N/AC:L/Au:N/C:P/I:N/A:N";
    n.v2_score = 5.0;
    e.nvd.push_back(n);
    e.sources = {"test"};
    return e;
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->enrichment, "loaded");
  auto db = OpenDb(db_);
  ASSERT_TRUE(db);
  auto a = db->Get("PYSEC-3");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->kev.size(), 1u);
  EXPECT_EQ(a->kev[0].product, "requests");
  ASSERT_EQ(a->nvd.size(), 1u);
  EXPECT_EQ(a->nvd[0].v3_score, 7.5);
  auto kev = db->Kev("CVE-2020-3");
  ASSERT_TRUE(kev.ok());
  ASSERT_TRUE(kev->has_value());
  EXPECT_EQ((*kev)->date_added, "2025-01-01");
  auto none = db->Kev("CVE-1999-0001");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto nvd = db->Nvd("CVE-2020-3");
  ASSERT_TRUE(nvd.ok());
  ASSERT_TRUE(nvd->has_value());
  EXPECT_EQ((*nvd)->v3_score, 7.5);

  auto j = AdvisoryDetailJson(*a);
  EXPECT_EQ(j["advisory"]["id"], "PYSEC-3");
  EXPECT_EQ(j["kev"]["cve"], "CVE-2020-3");
  ASSERT_EQ(j["cvss"].size(), 2u);
  EXPECT_EQ(j["cvss"][0]["source"], "nvd:CVE-2020-3");
  EXPECT_EQ(j["cvss"][0]["type"], "CVSS_V3");
  EXPECT_EQ(j["cvss"][0]["version"], "3.1");
  EXPECT_DOUBLE_EQ(j["cvss"][0]["score"].get<double>(), 7.5);
  EXPECT_EQ(j["cvss"][0]["severity"], "High");
  EXPECT_EQ(j["cvss"][1]["type"], "CVSS_V2");
  EXPECT_DOUBLE_EQ(j["cvss"][1]["base"].get<double>(), 5.0);

  auto crit = db->Get("PYSEC-1");
  ASSERT_TRUE(crit.ok());
  auto cj = AdvisoryDetailJson(*crit);
  ASSERT_EQ(cj["cvss"].size(), 1u);
  EXPECT_EQ(cj["cvss"][0]["source"], "osv");
  EXPECT_DOUBLE_EQ(cj["cvss"][0]["score"].get<double>(), 9.8);
  EXPECT_EQ(cj["cvss"][0]["severity"], "Critical");
  EXPECT_TRUE(cj["kev"].is_null());

  auto s = db->GetStatus();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->enrichment.kev_catalog_version, "2025.01.01");
  EXPECT_EQ(s->enrichment.kev_entries, 1);
  EXPECT_EQ(s->enrichment.nvd_entries, 1);
  EXPECT_THAT(s->enrichment.fingerprint, HasSubstr("h64:"));
  EXPECT_EQ(s->enrichment.sources, (std::vector<std::string>{"test"}));
}

TEST(DefaultDbPathTest, FollowsEnvironment) {
  auto t = base::TempDir::Create("assay-dbpath");
  ASSERT_TRUE(t.ok());
  const char* old_db = std::getenv("ASSAY_DB");
  const char* old_xdg = std::getenv("XDG_CACHE_HOME");
  std::string saved_db = old_db ? old_db : "";
  std::string saved_xdg = old_xdg ? old_xdg : "";
  ::unsetenv("ASSAY_DB");
  ::setenv("XDG_CACHE_HOME", (t->path() / "xdg").c_str(), 1);
  auto p = DefaultDbPath(true);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, t->path() / "xdg" / "assay" / "advisories.db");
  EXPECT_TRUE(fs::is_directory(t->path() / "xdg" / "assay"));
  ::setenv("ASSAY_DB", "/some/where.db", 1);
  EXPECT_EQ(*DefaultDbPath(false), fs::path("/some/where.db"));
  if (old_db) {
    ::setenv("ASSAY_DB", saved_db.c_str(), 1);
  } else {
    ::unsetenv("ASSAY_DB");
  }
  if (old_xdg) {
    ::setenv("XDG_CACHE_HOME", saved_xdg.c_str(), 1);
  } else {
    ::unsetenv("XDG_CACHE_HOME");
  }
}

}  // namespace
}  // namespace assay::advisories
