// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Matching the real OS scan targets (../shared/data/scan-targets) against an advisory DB built
// once per test binary from the shared OSV mirror and enrichment (../shared/data; skipped when
// absent). Each target's findings, one line per finding
//   <vulnerabilityId> <package> <installed version> <fixedInVersion or -> <severity>
// sorted, must equal testdata/golden/<target>.findings.txt. Run with ASSAY_UPDATE_GOLDEN=1 to
// rewrite the goldens, then review the diff. With ASSAY_MATCH_DUMP_DIR=DIR the full findings of
// each target are also written to DIR/<target>.findings.json, for review.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "advisories/db.h"
#include "advisories/feed.h"
#include "advisories/update.h"
#include "base/file.h"
#include "base/testing/conformance.h"
#include "inventory/collector.h"
#include "inventory/fs.h"
#include "match/engine.h"
#include "model/ecosystem.h"
#include "model/finding_json.h"

namespace assay::match {
namespace {

namespace stdfs = std::filesystem;

const std::vector<std::string>& OsTargets() {
  static const std::vector<std::string> targets = {
      "alpine3.3-min-node",       "alpine3.4-haconiwa-image", "alpine3.4-trivy-apk",
      "debian8-jira-image",       "debian9-glpi-image",       "debian10-drupal-image",
      "debian10-sudo-osvscanner", "debian11-flask-image",     "debian12-this-machine",
      "ubuntu14.04-base-armhf",   "ubuntu18.04-c11-image",    "ubuntu18.04-trivy-valid",
  };
  return targets;
}

bool UpdateGolden() {
  const char* env = std::getenv("ASSAY_UPDATE_GOLDEN");
  return env != nullptr && std::string(env) == "1";
}

stdfs::path GoldenPath(const std::string& target) {
  return assay::testing::SourceDir() / "src/match/testdata/golden" / (target + ".findings.txt");
}

// The DB, built on first use and shared by every test of this binary.
struct SharedDb {
  std::unique_ptr<base::TempDir> dir;
  std::unique_ptr<advisories::AdvisoryDb> db;
  std::string error;  // why there is no DB
  bool skipped = false;
};

SharedDb& Db() {
  static SharedDb* shared = [] {
    auto* s = new SharedDb();
    auto data = assay::testing::SharedDataDir();
    if (!data || !stdfs::is_directory(*data / "osv-mirror")) {
      s->skipped = true;
      s->error = "shared data set not found";
      return s;
    }
    auto dir = base::TempDir::Create("assay-match-itest");
    if (!dir.ok()) {
      s->error = dir.status().ToString();
      return s;
    }
    s->dir = std::make_unique<base::TempDir>(std::move(*dir));
    auto source = advisories::MakeDirectoryFeedSource(*data / "osv-mirror");
    if (!source.ok()) {
      s->error = source.status().ToString();
      return s;
    }
    advisories::UpdateOptions o;
    o.db_path = s->dir->path() / "advisories.db";
    stdfs::path enrichment = *data / "enrichment";
    if (stdfs::is_directory(enrichment)) {
      o.load_enrichment = [enrichment] { return advisories::LoadEnrichmentDir(enrichment); };
    }
    auto updated = advisories::UpdateDb(**source, o);
    if (!updated.ok()) {
      s->error = updated.status().ToString();
      return s;
    }
    auto db = advisories::AdvisoryDb::Open(o.db_path);
    if (!db.ok()) {
      s->error = db.status().ToString();
      return s;
    }
    s->db = std::move(*db);
    return s;
  }();
  return *shared;
}

std::optional<stdfs::path> ScanTargets() {
  auto data = assay::testing::SharedDataDir();
  if (!data || !stdfs::is_directory(*data / "scan-targets")) return std::nullopt;
  return *data / "scan-targets";
}

std::string Summary(const std::vector<model::Finding>& findings) {
  std::vector<std::string> lines;
  for (const model::Finding& f : findings) {
    const auto& d = f.package_vulnerability_details;
    for (const auto& p : d.vulnerable_packages) {
      lines.push_back(d.vulnerability_id + " " + p.name + " " + p.version + " " +
                      (p.fixed_in_version.empty() ? "-" : p.fixed_in_version) + " " +
                      std::string(model::SeverityName(f.severity)));
    }
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

size_t FirstDifferentLine(const std::string& a, const std::string& b) {
  size_t line = 1;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) return line;
    if (a[i] == '\n') ++line;
  }
  return line;
}

TEST(MatchGoldenTest, ScanTargets) {
  auto targets = ScanTargets();
  if (!targets) GTEST_SKIP() << "shared data set not found";
  SharedDb& shared = Db();
  if (shared.skipped) GTEST_SKIP() << shared.error;
  ASSERT_NE(shared.db, nullptr) << shared.error;
  const bool update = UpdateGolden();

  std::printf("\n%-26s %-18s %8s %8s %6s %6s %6s %6s %6s %6s %8s\n", "target", "ecosystem",
              "packages", "findings", "crit", "high", "medium", "low", "untri", "nofix",
              "warnings");
  std::map<std::string, size_t> counts;
  for (const std::string& target : OsTargets()) {
    SCOPED_TRACE(target);
    auto fs = inventory::OpenDirFs(*targets / target);
    ASSERT_TRUE(fs.ok()) << fs.status().ToString();
    auto inv = inventory::CollectInventory(**fs, {});
    ASSERT_TRUE(inv.ok()) << inv.status().ToString();
    auto result = MatchInventory(*inv, *shared.db, {"rootfs:" + target, "2026-01-01T00:00:00Z"});
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    counts[target] = result->findings.size();

    std::map<model::Severity, size_t> by_severity;
    size_t unfixed = 0;
    std::string want_source(model::SplitEcosystem(inv->os.ecosystem).base);
    for (char& c : want_source) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::set<std::string> ids;
    for (const model::Finding& f : result->findings) {
      ++by_severity[f.severity];
      if (f.fix_available == model::FixAvailable::kNo) ++unfixed;
      const auto& d = f.package_vulnerability_details;
      // OS packages only ever match their own distribution's advisories.
      EXPECT_EQ(d.source, want_source) << d.vulnerability_id;
      ASSERT_EQ(d.vulnerable_packages.size(), 1u);
      EXPECT_EQ(d.vulnerable_packages[0].ecosystem, inv->os.ecosystem);
      EXPECT_TRUE(ids.insert(f.finding_id).second) << "duplicate finding id " << f.finding_id;
      EXPECT_EQ(f.fix_available == model::FixAvailable::kYes,
                !d.vulnerable_packages[0].fixed_in_version.empty());
      // Every finding survives the JSON codec.
      std::string text = model::FindingToJsonText(f);
      auto back = model::FindingFromJsonText(text);
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(model::FindingToJsonText(*back), text);
    }
    std::printf("%-26s %-18s %8zu %8zu %6zu %6zu %6zu %6zu %6zu %6zu %8zu\n", target.c_str(),
                inv->os.ecosystem.c_str(), inv->packages.size(), result->findings.size(),
                by_severity[model::Severity::kCritical], by_severity[model::Severity::kHigh],
                by_severity[model::Severity::kMedium], by_severity[model::Severity::kLow],
                by_severity[model::Severity::kUntriaged], unfixed, result->warnings.size());
    for (const auto& w : result->warnings) {
      std::printf("    warning: %s: %s\n", w.location.c_str(), w.message.c_str());
    }

    // The same inventory matched again gives the same findings, in the same order.
    auto again = MatchInventory(*inv, *shared.db, {"rootfs:" + target, "2026-01-01T00:00:00Z"});
    ASSERT_TRUE(again.ok());
    ASSERT_EQ(again->findings.size(), result->findings.size());
    for (size_t i = 0; i < again->findings.size(); ++i) {
      EXPECT_EQ(again->findings[i].finding_id, result->findings[i].finding_id);
    }

    if (const char* dump = std::getenv("ASSAY_MATCH_DUMP_DIR"); dump != nullptr && *dump) {
      nlohmann::ordered_json all = nlohmann::ordered_json::array();
      for (const model::Finding& f : result->findings) all.push_back(model::FindingToJson(f));
      base::Status s =
          base::WriteFileAtomic(stdfs::path(dump) / (target + ".findings.json"),
                                all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
      EXPECT_TRUE(s.ok()) << s.ToString();
    }

    std::string got = Summary(result->findings);
    stdfs::path golden = GoldenPath(target);
    if (update) {
      stdfs::create_directories(golden.parent_path());
      base::Status s = base::WriteFileAtomic(golden, got);
      EXPECT_TRUE(s.ok()) << s.ToString();
      continue;
    }
    auto want = base::ReadFile(golden);
    ASSERT_TRUE(want.ok()) << want.status().ToString()
                           << " (run with ASSAY_UPDATE_GOLDEN=1 to create it)";
    EXPECT_TRUE(*want == got) << golden << " differs at line " << FirstDifferentLine(*want, got);
  }
  std::fflush(stdout);

  // The mirror has no bookworm fix data; every older release has plenty.
  EXPECT_LT(counts["debian12-this-machine"], 10u);
  for (const char* t :
       {"debian8-jira-image", "debian9-glpi-image", "debian10-drupal-image", "debian11-flask-image",
        "ubuntu14.04-base-armhf", "ubuntu18.04-trivy-valid"}) {
    EXPECT_GT(counts[t], 50u) << t;
  }
  for (const char* t : {"alpine3.3-min-node", "alpine3.4-haconiwa-image", "alpine3.4-trivy-apk"}) {
    EXPECT_GT(counts[t], 0u) << t;
  }
}

// Old package databases from the conformance corpus (peers' own fixtures), each placed in a
// temporary root filesystem beside an os-release chosen from the evidence in its versions (the
// fixtures carry none), then scanned like any rootfs. Goldens: conformance-<name>.findings.txt.
TEST(MatchGoldenTest, ConformanceFixtures) {
  auto conformance = assay::testing::ConformanceDir();
  if (!conformance) GTEST_SKIP() << "conformance corpus absent";
  SharedDb& shared = Db();
  if (shared.skipped) GTEST_SKIP() << shared.error;
  ASSERT_NE(shared.db, nullptr) << shared.error;
  const bool update = UpdateGolden();
  struct Fixture {
    const char* name;
    const char* file;    // under conformance/parsers/fixtures/
    const char* target;  // where it goes in the root filesystem
    const char* os_id;
    const char* version_id;
    const char* evidence;
  };
  const Fixture fixtures[] = {
      {"trivy-dpkg-valid", "trivy/fanal/analyzer/pkg/dpkg/testdata/valid.txtar.d/var/lib/dpkg/status",
       "var/lib/dpkg/status", "ubuntu", "18.04", "libc6 2.27-3ubuntu1, apt 1.6.3ubuntu0.1 (bionic)"},
      {"trivy-dpkg-corrupsed",
       "trivy/fanal/analyzer/pkg/dpkg/testdata/corrupsed.txtar.d/var/lib/dpkg/status",
       "var/lib/dpkg/status", "ubuntu", "16.04", "libpam 1.1.8-3.1ubuntu3 (xenial)"},
      {"trivy-dpkg-md5sums",
       "trivy/fanal/analyzer/pkg/dpkg/testdata/md5sums.txtar.d/var/lib/dpkg/status",
       "var/lib/dpkg/status", "debian", "9", "tar 1.29b-2 (stretch)"},
      {"trivy-dpkg-digest", "trivy/fanal/analyzer/pkg/dpkg/testdata/digest.txtar.d/var/lib/dpkg/status",
       "var/lib/dpkg/status", "debian", "11", "tar 1.34+dfsg-1 (bullseye)"},
      {"scalibr-dpkg-valid", "osv-scalibr/os/dpkg/testdata/dpkg/valid", "var/lib/dpkg/status",
       "debian", "12", "util-linux 2.38.1-5+b1 (bookworm)"},
      {"trivy-apk", "trivy/fanal/analyzer/pkg/apk/testdata/apk", "lib/apk/db/installed", "alpine",
       "3.4.0", "musl 1.1.14-r10, busybox 1.24.2-r9 (3.4)"},
      {"scalibr-apk-installed", "osv-scalibr/os/apk/testdata/installed", "lib/apk/db/installed",
       "alpine", "3.18.0", "alpine-baselayout 3.4.3-r1, apk-tools 2.14.0-r0 (3.18)"},
  };
  auto tmp = base::TempDir::Create("assay-match-fixtures");
  ASSERT_TRUE(tmp.ok()) << tmp.status().ToString();
  std::printf("\n%-24s %-14s %8s %8s %6s  %s\n", "fixture", "ecosystem", "packages", "findings",
              "nofix", "os chosen from");
  for (const Fixture& fx : fixtures) {
    SCOPED_TRACE(fx.name);
    const stdfs::path src = *conformance / "parsers/fixtures" / fx.file;
    if (!stdfs::exists(src)) {
      ADD_FAILURE() << src << " missing";
      continue;
    }
    const stdfs::path root = tmp->path() / fx.name;
    stdfs::create_directories((root / fx.target).parent_path());
    stdfs::copy_file(src, root / fx.target);
    stdfs::create_directories(root / "etc");
    base::Status s = base::WriteFileAtomic(
        root / "etc/os-release", std::string("ID=") + fx.os_id + "\nVERSION_ID=\"" +
                                     fx.version_id + "\"\n");
    ASSERT_TRUE(s.ok()) << s.ToString();
    auto fs = inventory::OpenDirFs(root);
    ASSERT_TRUE(fs.ok()) << fs.status().ToString();
    auto inv = inventory::CollectInventory(**fs, {});
    ASSERT_TRUE(inv.ok()) << inv.status().ToString();
    ASSERT_TRUE(inv->os.known());
    auto result = MatchInventory(*inv, *shared.db,
                                 {std::string("rootfs:") + fx.name, "2026-01-01T00:00:00Z"});
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    size_t unfixed = 0;
    for (const model::Finding& f : result->findings) {
      if (f.fix_available == model::FixAvailable::kNo) ++unfixed;
      EXPECT_EQ(f.package_vulnerability_details.vulnerable_packages[0].ecosystem,
                inv->os.ecosystem);
    }
    std::printf("%-24s %-14s %8zu %8zu %6zu  %s\n", fx.name, inv->os.ecosystem.c_str(),
                inv->packages.size(), result->findings.size(), unfixed, fx.evidence);
    std::string got = Summary(result->findings);
    stdfs::path golden = GoldenPath(std::string("conformance-") + fx.name);
    if (update) {
      s = base::WriteFileAtomic(golden, got);
      EXPECT_TRUE(s.ok()) << s.ToString();
      continue;
    }
    auto want = base::ReadFile(golden);
    ASSERT_TRUE(want.ok()) << want.status().ToString()
                           << " (run with ASSAY_UPDATE_GOLDEN=1 to create it)";
    EXPECT_TRUE(*want == got) << golden << " differs at line " << FirstDifferentLine(*want, got);
  }
  std::fflush(stdout);
}

// The lockfile, node_modules and Go binary targets: language packages matched against their
// ecosystems' advisories (PyPI, Go, crates.io, RubyGems, Packagist current; npm partial).
TEST(MatchGoldenTest, LanguageTargets) {
  auto targets = ScanTargets();
  if (!targets) GTEST_SKIP() << "shared data set not found";
  SharedDb& shared = Db();
  if (shared.skipped) GTEST_SKIP() << shared.error;
  ASSERT_NE(shared.db, nullptr) << shared.error;
  const bool update = UpdateGolden();
  std::printf("\n%-22s %8s %8s %6s %6s %6s %6s %6s %6s %8s\n", "target", "packages", "findings",
              "crit", "high", "medium", "low", "untri", "nofix", "warnings");
  for (const char* target :
       {"cargo-trivy-normal", "composer-trivy-happy", "gem-rails-lock", "go-binary-trivy",
        "go-sum-trivy", "npm-node-modules", "pypi-pipfile-many", "pypi-uv-normal"}) {
    SCOPED_TRACE(target);
    auto fs = inventory::OpenDirFs(*targets / target);
    ASSERT_TRUE(fs.ok()) << fs.status().ToString();
    auto inv = inventory::CollectInventory(**fs, {});
    ASSERT_TRUE(inv.ok()) << inv.status().ToString();
    auto result = MatchInventory(*inv, *shared.db,
                                 {std::string("rootfs:") + target, "2026-01-01T00:00:00Z"});
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    std::map<model::Severity, size_t> by_severity;
    size_t unfixed = 0;
    std::set<std::string> ids;
    for (const model::Finding& f : result->findings) {
      ++by_severity[f.severity];
      if (f.fix_available == model::FixAvailable::kNo) ++unfixed;
      const auto& d = f.package_vulnerability_details;
      ASSERT_EQ(d.vulnerable_packages.size(), 1u);
      // A language package only ever matches its own ecosystem's advisories.
      EXPECT_FALSE(model::IsOsEcosystem(
          model::SplitEcosystem(d.vulnerable_packages[0].ecosystem).base));
      EXPECT_TRUE(ids.insert(f.finding_id).second) << "duplicate finding id " << f.finding_id;
    }
    std::printf("%-22s %8zu %8zu %6zu %6zu %6zu %6zu %6zu %6zu %8zu\n", target,
                inv->packages.size(), result->findings.size(),
                by_severity[model::Severity::kCritical], by_severity[model::Severity::kHigh],
                by_severity[model::Severity::kMedium], by_severity[model::Severity::kLow],
                by_severity[model::Severity::kUntriaged], unfixed, result->warnings.size());
    for (const auto& w : result->warnings) {
      std::printf("    warning: %s: %s\n", w.location.c_str(), w.message.c_str());
    }
    std::string got = Summary(result->findings);
    stdfs::path golden = GoldenPath(target);
    if (update) {
      base::Status s = base::WriteFileAtomic(golden, got);
      EXPECT_TRUE(s.ok()) << s.ToString();
      continue;
    }
    auto want = base::ReadFile(golden);
    ASSERT_TRUE(want.ok()) << want.status().ToString()
                           << " (run with ASSAY_UPDATE_GOLDEN=1 to create it)";
    EXPECT_TRUE(*want == got) << golden << " differs at line " << FirstDifferentLine(*want, got);
  }
  std::fflush(stdout);
}

}  // namespace
}  // namespace assay::match
