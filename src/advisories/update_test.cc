// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "advisories/update.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "advisories/builder.h"
#include "advisories/db.h"
#include "advisories/test_util.h"
#include "base/file.h"

namespace assay::advisories {
namespace {

namespace fs = std::filesystem;
using testing::DirFeed;
using testing::Entries;
using testing::IdOf;
using testing::Osv;
using testing::TempFilesOf;
using testing::WriteZip;
using ::testing::HasSubstr;

class UpdateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = base::TempDir::Create("assay-update-test");
    ASSERT_TRUE(t.ok());
    tmp_ = std::make_unique<base::TempDir>(std::move(*t));
    mirror_ = tmp_->path() / "mirror";
    db_ = tmp_->path() / "db" / "advisories.db";
    WriteFeed("npm", "NPM", 30);
    WriteFeed("crates.io", "RUSTSEC", 20);
  }

  // `<eco>/all.zip` with `n` records "<prefix>-<i>" (records after `bad_at` are malformed).
  void WriteFeed(const std::string& eco, const std::string& prefix, int n,
                 const std::string& modified = "2024-01-01T00:00:00Z", int bad_at = -1) {
    std::vector<std::pair<std::string, std::string>> recs;
    for (int i = 0; i < n; ++i) {
      std::string id = prefix + "-" + std::to_string(i);
      recs.emplace_back(id, i == bad_at ? "{broken"
                                        : Osv(id, {{eco, "pkg" + std::to_string(i), "1.0.0"}},
                                              {}, modified));
    }
    WriteZip(mirror_ / eco / "all.zip", Entries(recs));
  }

  UpdateOptions Options() {
    UpdateOptions o;
    o.db_path = db_;
    o.import.threads = 2;
    return o;
  }

  base::Result<UpdateResult> Run(const UpdateOptions& o) {
    DirFeed feed(mirror_);
    return UpdateDb(feed, o);
  }

  std::string BuildId() {
    auto db = AdvisoryDb::Open(db_);
    if (!db.ok()) return "open failed: " + db.status().ToString();
    auto s = (*db)->GetStatus();
    return s.ok() ? s->build_id : "status failed";
  }

  static const EcosystemOutcome* Find(const UpdateResult& r, const std::string& name) {
    for (const auto& e : r.ecosystems) {
      if (e.name == name) return &e;
    }
    return nullptr;
  }

  std::unique_ptr<base::TempDir> tmp_;
  fs::path mirror_;
  fs::path db_;
};

TEST_F(UpdateTest, FirstUpdateImportsEverything) {
  auto r = Run(Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Nothing but the DB and its lock file is left next to it.
  EXPECT_THAT(testing::SiblingsOf(db_), ::testing::ElementsAre("advisories.db",
                                                               "advisories.db.lock"));
  EXPECT_FALSE(r->up_to_date);
  EXPECT_EQ(r->total_records, 50);
  ASSERT_EQ(r->ecosystems.size(), 2u);
  EXPECT_EQ(r->ecosystems[0].name, "crates.io");
  EXPECT_EQ(r->ecosystems[0].state, EcosystemOutcome::State::kImported);
  EXPECT_EQ(r->ecosystems[0].records, 20);
  EXPECT_EQ(r->ecosystems[1].records, 30);
  EXPECT_EQ(r->enrichment, "none");
  EXPECT_EQ(BuildId(), r->build_id);
  EXPECT_TRUE(TempFilesOf(db_).empty());
}

TEST_F(UpdateTest, UnchangedFeedLeavesTheDbFileUntouched) {
  auto first = Run(Options());
  ASSERT_TRUE(first.ok());
  auto before = IdOf(db_);
  std::string bytes = testing::ReadAll(db_);
  auto second = Run(Options());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->up_to_date);
  EXPECT_EQ(second->build_id, first->build_id);
  EXPECT_EQ(second->total_records, 50);
  for (const auto& e : second->ecosystems) {
    EXPECT_EQ(e.state, EcosystemOutcome::State::kUnchanged) << e.name;
  }
  EXPECT_EQ(IdOf(db_), before);
  EXPECT_EQ(testing::ReadAll(db_), bytes);

  UpdateOptions forced = Options();
  forced.force = true;
  auto third = Run(forced);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->up_to_date);
  EXPECT_NE(third->build_id, first->build_id);
  EXPECT_EQ(third->total_records, 50);
}

TEST_F(UpdateTest, ChangedZipIsImportedAndTheOthersCarriedOver) {
  ASSERT_TRUE(Run(Options()).ok());
  std::string old_build = BuildId();
  std::string npm5_raw;
  {
    auto db = AdvisoryDb::Open(db_);
    ASSERT_TRUE(db.ok());
    npm5_raw = (*db)->Get("NPM-5")->raw_json;
  }
  WriteFeed("crates.io", "RUSTSEC", 25, "2024-09-09T00:00:00Z");
  auto r = Run(Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->up_to_date);
  EXPECT_EQ(Find(*r, "crates.io")->state, EcosystemOutcome::State::kImported);
  EXPECT_EQ(Find(*r, "crates.io")->records, 25);
  EXPECT_EQ(Find(*r, "npm")->state, EcosystemOutcome::State::kUnchanged);
  EXPECT_EQ(Find(*r, "npm")->records, 30);
  EXPECT_EQ(r->total_records, 55);
  EXPECT_NE(BuildId(), old_build);

  auto db = AdvisoryDb::Open(db_);
  ASSERT_TRUE(db.ok());
  // Carried-over rows still link up: raw record, affected entries, source row.
  auto npm5 = (*db)->Get("NPM-5");
  ASSERT_TRUE(npm5.ok()) << npm5.status().ToString();
  EXPECT_EQ(npm5->raw_json, npm5_raw);
  auto entries = (*db)->Lookup("npm", "pkg5");
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].advisory_id, "NPM-5");
  auto new_rec = (*db)->Get("RUSTSEC-24");
  ASSERT_TRUE(new_rec.ok());
  EXPECT_EQ(new_rec->advisory.modified, "2024-09-09T00:00:00Z");
  auto s = (*db)->GetStatus();
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->sources.size(), 2u);
  EXPECT_EQ(s->sources[1].name, "npm");
  EXPECT_EQ(s->sources[1].record_count, 30);
  EXPECT_EQ(s->total_records, 55);
}

TEST_F(UpdateTest, UnlistedEcosystemIsRemovedAndMissingNamedOneIsAnError) {
  ASSERT_TRUE(Run(Options()).ok());
  UpdateOptions only_npm = Options();
  only_npm.ecosystems = {"npm"};
  auto r = Run(only_npm);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Find(*r, "crates.io")->state, EcosystemOutcome::State::kRemoved);
  EXPECT_EQ(Find(*r, "npm")->state, EcosystemOutcome::State::kUnchanged);
  EXPECT_EQ(r->total_records, 30);

  auto before = IdOf(db_);
  UpdateOptions missing = Options();
  missing.ecosystems = {"npm", "NoSuchFeed"};
  auto bad = Run(missing);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), base::Code::kNotFound);
  EXPECT_THAT(bad.status().message(), HasSubstr("NoSuchFeed"));
  EXPECT_EQ(IdOf(db_), before);
}

TEST_F(UpdateTest, MalformedRecordIsSkippedWithAWarning) {
  WriteFeed("npm", "NPM", 30, "2024-01-01T00:00:00Z", /*bad_at=*/7);
  std::vector<ImportWarning> seen;
  UpdateOptions o = Options();
  o.import.on_warning = [&](const ImportWarning& w) { seen.push_back(w); };
  auto r = Run(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Find(*r, "npm")->records, 29);
  EXPECT_EQ(Find(*r, "npm")->warnings, 1u);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0].record_id, "NPM-7");
  EXPECT_EQ(r->warnings[0].zip, "npm");
  EXPECT_EQ(r->warnings[0].code, kWarnMalformedRecord);
  EXPECT_EQ(seen.size(), 1u);
  auto db = AdvisoryDb::Open(db_);
  ASSERT_TRUE(db.ok());
  auto s = (*db)->GetStatus();
  EXPECT_EQ(s->sources[1].warning_count, 1);
  EXPECT_EQ(s->sources[1].entry_count, 30);
  EXPECT_EQ(s->sources[1].record_count, 29);
}

TEST_F(UpdateTest, TruncatedZipFailsAndKeepsThePreviousDb) {
  ASSERT_TRUE(Run(Options()).ok());
  auto before = IdOf(db_);
  std::string build = BuildId();
  std::string zip = testing::ReadAll(mirror_ / "npm" / "all.zip");
  testing::WriteAll(mirror_ / "npm" / "all.zip", zip.substr(0, zip.size() / 2));
  auto r = Run(Options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::Code::kCorruption);
  EXPECT_THAT(r.status().message(), HasSubstr("all.zip"));
  EXPECT_EQ(IdOf(db_), before);
  EXPECT_EQ(BuildId(), build);
  EXPECT_TRUE(TempFilesOf(db_).empty());
}

TEST_F(UpdateTest, ConcurrentUpdateIsRefused) {
  fs::create_directories(db_.parent_path());
  auto lock = UpdateLock::Acquire(db_);
  ASSERT_TRUE(lock.ok());
  auto r = Run(Options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::Code::kUnavailable);
  EXPECT_FALSE(fs::exists(db_));
}

TEST_F(UpdateTest, UnusablePreviousDbIsRebuilt) {
  fs::create_directories(db_.parent_path());
  testing::WriteAll(db_, "not a database");
  auto r = Run(Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->notes.empty());
  EXPECT_THAT(r->notes[0], HasSubstr("previous DB not usable"));
  EXPECT_EQ(r->total_records, 50);
  EXPECT_TRUE(AdvisoryDb::Open(db_).ok());
}

TEST_F(UpdateTest, EnrichmentIsFingerprintedAndKeptWhenItFails) {
  int version = 1;
  bool fail = false;
  UpdateOptions o = Options();
  o.load_enrichment = [&]() -> base::Result<Enrichment> {
    if (fail) return base::Status::Unavailable("KEV feed down");
    Enrichment e;
    e.kev_catalog_version = std::to_string(version);
    e.kev.push_back({"CVE-2024-" + std::to_string(version), "v", "p", "n", "d", "d", "Unknown"});
    return e;
  };
  auto r1 = Run(o);
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->enrichment, "loaded");
  auto r2 = Run(o);
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->up_to_date);
  EXPECT_EQ(r2->enrichment, "unchanged");

  version = 2;  // new KEV content: a new build, every feed carried over
  auto r3 = Run(o);
  ASSERT_TRUE(r3.ok());
  EXPECT_FALSE(r3->up_to_date);
  EXPECT_EQ(r3->enrichment, "loaded");
  EXPECT_EQ(Find(*r3, "npm")->state, EcosystemOutcome::State::kUnchanged);

  fail = true;
  o.force = true;
  auto r4 = Run(o);
  ASSERT_TRUE(r4.ok());
  EXPECT_EQ(r4->enrichment, "kept");
  ASSERT_FALSE(r4->notes.empty());
  EXPECT_THAT(r4->notes.back(), HasSubstr("KEV feed down"));
  auto db = AdvisoryDb::Open(db_);
  ASSERT_TRUE(db.ok());
  auto s = (*db)->GetStatus();
  EXPECT_EQ(s->enrichment.kev_catalog_version, "2");
  EXPECT_EQ(s->enrichment.kev_entries, 1);
}

// kill -9 in the middle of an import: the child blocks inside the import (on its first
// warning) after the temporary DB exists; the previous DB must stay usable and the next update
// must clean up after the dead one.
TEST_F(UpdateTest, KilledUpdateLeavesThePreviousDbUsable) {
  ASSERT_TRUE(Run(Options()).ok());
  std::string build = BuildId();
  auto before = IdOf(db_);
  WriteFeed("npm", "NPM", 200, "2024-02-02T00:00:00Z", /*bad_at=*/150);

  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(pipefd[0]);
    UpdateOptions o = Options();
    o.import.on_warning = [&](const ImportWarning&) {
      char c = 'w';
      (void)!::write(pipefd[1], &c, 1);
      while (true) ::pause();
    };
    DirFeed feed(mirror_);
    (void)UpdateDb(feed, o);
    ::_exit(3);  // not reached unless the import finished
  }
  ::close(pipefd[1]);
  char c = 0;
  ASSERT_EQ(::read(pipefd[0], &c, 1), 1);
  ::close(pipefd[0]);
  auto temps = TempFilesOf(db_);
  EXPECT_EQ(temps.size(), 1u);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status));

  EXPECT_EQ(IdOf(db_), before);
  EXPECT_EQ(BuildId(), build);
  {
    auto db = AdvisoryDb::Open(db_);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ((*db)->GetStatus()->total_records, 50);
    EXPECT_TRUE((*db)->Get("NPM-3").ok());
  }
  EXPECT_EQ(TempFilesOf(db_).size(), 1u);  // the dead run's temporary is still there

  auto r = Run(Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stale_temps_removed, 2u);  // its temporary DB and its download directory
  EXPECT_TRUE(TempFilesOf(db_).empty());
  EXPECT_THAT(testing::SiblingsOf(db_), ::testing::ElementsAre("advisories.db",
                                                               "advisories.db.lock"));
  EXPECT_EQ(r->total_records, 219);  // 199 npm + 20 crates.io
  EXPECT_NE(BuildId(), build);
}

}  // namespace
}  // namespace assay::advisories
