// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// `assay scan` end to end over a tiny advisory DB (built from a handmade OSV zip through the
// real update path) and a tiny root filesystem (os-release + dpkg status).
#include "cli/scan_cmd.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "advisories/test_util.h"
#include "advisories/update.h"
#include "base/file.h"
#include "report/render.h"

namespace assay::cli {
namespace {

namespace stdfs = std::filesystem;
using nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr std::string_view kStatus = R"(Package: bash
Status: install ok installed
Architecture: amd64
Version: 5.2.15-2+b2

Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u2

Package: openssl
Status: install ok installed
Architecture: amd64
Version: 3.0.11-1~deb12u2

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
)";

constexpr char kNow[] = "2024-05-01T12:00:00Z";

// An OSV record for one Debian 12 source package, severity from a CVSS v3.1 vector.
std::string Record(const std::string& id, const std::string& package, const std::string& fixed,
                   const std::vector<std::string>& aliases, const std::string& vector) {
  json events = json::array({{{"introduced", "0"}}});
  if (!fixed.empty()) events.push_back({{"fixed", fixed}});
  json j = {{"id", id},
            {"modified", "2024-02-01T00:00:00Z"},
            {"published", "2024-01-26T00:00:00Z"},
            {"summary", "summary of " + id},
            {"details", "details of " + id},
            {"severity", {{{"type", "CVSS_V3"}, {"score", vector}}}},
            {"references", {{{"type", "ADVISORY"}, {"url", "https://example.org/" + id}}}},
            {"affected",
             {{{"package", {{"ecosystem", "Debian:12"}, {"name", package}}},
               {"ranges", {{{"type", "ECOSYSTEM"}, {"events", events}}}}}}}};
  if (!aliases.empty()) j["aliases"] = aliases;
  return j.dump(2);
}

class ScanCmdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = base::TempDir::Create("assay-scan-test");
    ASSERT_TRUE(t.ok());
    tmp_.emplace(std::move(*t));
    root_ = tmp_->path() / "root";
    db_ = tmp_->path() / "db" / "advisories.db";
    Write("root/etc/os-release", "ID=debian\nVERSION_ID=12\nVERSION_CODENAME=bookworm\n");
    Write("root/var/lib/dpkg/status", kStatus);

    advisories::testing::WriteZip(
        tmp_->path() / "mirror" / "Debian" / "all.zip",
        advisories::testing::Entries({
            {"DSA-5621-1", Record("DSA-5621-1", "openssl", "3.0.13-1~deb12u1", {"CVE-2024-0727"},
                                  "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H")},
            {"DEBIAN-CVE-2023-45853", Record("DEBIAN-CVE-2023-45853", "zlib", "", {},
                                             "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")},
            {"DEBIAN-CVE-2023-5678", Record("DEBIAN-CVE-2023-5678", "openssl", "", {},
                                            "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:L")},
        }));
    advisories::testing::DirFeed feed(tmp_->path() / "mirror");
    advisories::UpdateOptions u;
    u.db_path = db_;
    u.import.threads = 1;
    auto r = advisories::UpdateDb(feed, u);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  stdfs::path Write(const std::string& rel, std::string_view text) {
    stdfs::path p = tmp_->path() / rel;
    stdfs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  ScanOptions Opts(std::string format = "json") {
    ScanOptions o;
    o.target = "rootfs";
    o.path = root_.string();
    o.db = db_.string();
    o.format = std::move(format);
    o.now = kNow;
    return o;
  }

  // "CVE-…/package" of every finding in a json document.
  static std::vector<std::string> Findings(const std::string& document) {
    std::vector<std::string> out;
    json doc = json::parse(document);
    for (const json& f : doc["findings"]) {
      const json& d = f["packageVulnerabilityDetails"];
      out.push_back(d["vulnerabilityId"].get<std::string>() + "/" +
                    d["vulnerablePackages"][0]["name"].get<std::string>());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::optional<base::TempDir> tmp_;
  stdfs::path root_;
  stdfs::path db_;
};

TEST_F(ScanCmdTest, FindsTheVulnerablePackages) {
  ScanOutcome out = RunScan(Opts());
  ASSERT_EQ(out.exit_code, 0) << out.error;
  EXPECT_THAT(out.warnings, IsEmpty());
  EXPECT_THAT(Findings(out.document),
              ElementsAre("CVE-2023-45853/zlib1g", "CVE-2023-5678/libssl3", "CVE-2023-5678/openssl",
                          "CVE-2024-0727/libssl3", "CVE-2024-0727/openssl"));
  json doc = json::parse(out.document);
  EXPECT_EQ(doc["resource"]["type"], "rootfs");
  EXPECT_EQ(doc["resource"]["id"], "rootfs:" + root_.string());
  EXPECT_EQ(doc["resource"]["scannedAt"], kNow);
  EXPECT_EQ(doc["resource"]["os"]["ecosystem"], "Debian:12");
  EXPECT_EQ(doc["summary"]["total"], 5);
  EXPECT_EQ(doc["summary"]["critical"], 1);
  EXPECT_EQ(doc["summary"]["fixable"], 2);
  EXPECT_EQ(doc["summary"]["packages"], 4);
  EXPECT_EQ(doc["database"]["buildId"].get<std::string>().size(), 32u);
}

TEST_F(ScanCmdTest, EveryFormat) {
  for (const report::Renderer& r : report::Renderers()) {
    SCOPED_TRACE(r.name);
    ScanOutcome out = RunScan(Opts(std::string(r.name)));
    ASSERT_EQ(out.exit_code, 0) << out.error;
    ASSERT_FALSE(out.document.empty());
    if (r.name == "table") {
      EXPECT_THAT(out.document,
                  HasSubstr("5 findings (1 critical, 2 medium, 2 low) in 4 packages; 2 fixable"));
      EXPECT_THAT(out.document, Not(HasSubstr("\x1b[")));
    } else if (r.name == "html") {
      EXPECT_EQ(out.document.rfind("<!DOCTYPE html>", 0), 0u);
    } else {
      EXPECT_NO_THROW(json::parse(out.document));
    }
  }
  ScanOptions coloured = Opts("table");
  coloured.color = true;
  EXPECT_THAT(RunScan(coloured).document, HasSubstr("\x1b[1;31mCRITICAL"));
}

TEST_F(ScanCmdTest, ExitCodeWhenFindingsRemain) {
  ScanOptions o = Opts();
  o.exit_code = 3;
  EXPECT_EQ(RunScan(o).exit_code, 3);
  o.severity = "HIGH";  // nothing HIGH: nothing remains
  ScanOutcome none = RunScan(o);
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_THAT(Findings(none.document), IsEmpty());
}

TEST_F(ScanCmdTest, SeverityAndUnfixedFilters) {
  ScanOptions o = Opts();
  o.severity = "critical,MEDIUM";
  EXPECT_THAT(
      Findings(RunScan(o).document),
      ElementsAre("CVE-2023-45853/zlib1g", "CVE-2024-0727/libssl3", "CVE-2024-0727/openssl"));
  o.ignore_unfixed = true;
  EXPECT_THAT(Findings(RunScan(o).document),
              ElementsAre("CVE-2024-0727/libssl3", "CVE-2024-0727/openssl"));
  o.severity = "SEVERE";
  ScanOutcome bad = RunScan(o);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.error, HasSubstr("unknown severity 'SEVERE'"));
}

TEST_F(ScanCmdTest, IgnoreFileActiveExpiredAndUnknown) {
  ScanOptions o = Opts();
  o.ignorefile = Write(".assayignore",
                       "# accepted\n"
                       "CVE-2023-45853 expires=2024-06-30  # no fix yet\n"
                       "dsa-5621-1                         # alias of CVE-2024-0727\n"
                       "CVE-2023-5678 expires=2024-04-30   # expired yesterday\n"
                       "CVE-1999-0001\n")
                     .string();
  o.exit_code = 1;
  ScanOutcome out = RunScan(o);
  EXPECT_EQ(out.exit_code, 1);  // the expired entry's findings remain
  EXPECT_THAT(Findings(out.document),
              ElementsAre("CVE-2023-5678/libssl3", "CVE-2023-5678/openssl"));
  std::string expired = o.ignorefile +
                        ":4: the entry for CVE-2023-5678 expired on 2024-04-30; its findings are "
                        "shown again";
  EXPECT_THAT(out.warnings, ElementsAre(expired));
  EXPECT_THAT(json::parse(out.document)["warnings"], Contains(expired));
  EXPECT_THAT(out.notes, ElementsAre(o.ignorefile + ":5: CVE-1999-0001 matches no finding",
                                     "3 finding(s) suppressed by " + o.ignorefile));

  // Once expired, the first entry stops suppressing too.
  o.now = "2024-07-01T00:00:00Z";
  o.max_db_age_days = 0;
  EXPECT_EQ(Findings(RunScan(o).document).size(), 3u);

  o.ignorefile = Write("bad-ignore", "CVE-2023-45853 expires=someday\n").string();
  ScanOutcome bad = RunScan(o);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.error, o.ignorefile + ":1: expires= wants a date YYYY-MM-DD, got 'someday'");
  o.ignorefile = (tmp_->path() / "absent").string();
  EXPECT_EQ(RunScan(o).exit_code, 2);
}

TEST_F(ScanCmdTest, MissingDbTellsToUpdate) {
  ScanOptions o = Opts();
  o.db = (tmp_->path() / "nowhere" / "advisories.db").string();
  ScanOutcome out = RunScan(o);
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_EQ(out.error, "no advisory database at " + o.db +
                           ": run `assay db update` first (or give --db PATH)");
  EXPECT_TRUE(out.document.empty());

  o.db = Write("not-a-db", "hello").string();
  ScanOutcome corrupt = RunScan(o);
  EXPECT_EQ(corrupt.exit_code, 2);
  EXPECT_THAT(corrupt.error, HasSubstr("run `assay db update`"));
}

TEST_F(ScanCmdTest, MissingOrUnreadableRoot) {
  ScanOptions o = Opts();
  o.path = (tmp_->path() / "absent").string();
  ScanOutcome out = RunScan(o);
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_EQ(out.error, o.path + ": no such directory");

  o.path = Write("file", "x").string();
  ScanOutcome file = RunScan(o);
  EXPECT_EQ(file.exit_code, 2);
  EXPECT_EQ(file.error, o.path + ": not a directory");

  o.target = "sbom";
  o.path = (tmp_->path() / "absent.json").string();
  ScanOutcome sbom = RunScan(o);
  EXPECT_EQ(sbom.exit_code, 2);
  EXPECT_EQ(sbom.error, o.path + ": no such file");
}

TEST_F(ScanCmdTest, StaleDbWarning) {
  ScanOptions o = Opts();
  o.now = "2099-01-01T00:00:00Z";
  ScanOutcome out = RunScan(o);
  ASSERT_EQ(out.exit_code, 0) << out.error;
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_THAT(out.warnings[0], HasSubstr("more than --max-db-age 7: run `assay db update`"));
  EXPECT_THAT(json::parse(out.document)["warnings"][0].get<std::string>(),
              HasSubstr("--max-db-age"));
  // Not in the table on stdout: the CLI prints warnings to stderr.
  o.format = "table";
  EXPECT_THAT(RunScan(o).document, Not(HasSubstr("max-db-age")));
  o.max_db_age_days = 0;
  EXPECT_THAT(RunScan(o).warnings, IsEmpty());
}

TEST_F(ScanCmdTest, UnknownOperatingSystem) {
  stdfs::remove(root_ / "etc/os-release");
  ScanOutcome out = RunScan(Opts());
  ASSERT_EQ(out.exit_code, 0) << out.error;
  EXPECT_THAT(out.warnings, Contains("unknown operating system; OS packages not matched"));
  EXPECT_THAT(Findings(out.document), IsEmpty());
}

TEST_F(ScanCmdTest, OutputFile) {
  ScanOptions o = Opts("sarif");
  o.output = (tmp_->path() / "out.sarif").string();
  ScanOutcome out = RunScan(o);
  ASSERT_EQ(out.exit_code, 0) << out.error;
  EXPECT_TRUE(out.document.empty());
  auto written = base::ReadFile(o.output);
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(json::parse(*written)["version"], "2.1.0");
  o.output = (tmp_->path() / "no" / "dir" / "out.sarif").string();
  EXPECT_EQ(RunScan(o).exit_code, 1);
}

TEST_F(ScanCmdTest, SbomInputs) {
  std::string cdx = R"({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
    {"type": "operating-system", "name": "debian", "version": "12"},
    {"type": "library", "name": "libssl3", "version": "3.0.11-1~deb12u2",
     "purl": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12&upstream=openssl"},
    {"type": "library", "name": "zlib1g",
     "purl": "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&upstream=zlib"},
    {"type": "library", "name": "no-purl"}]})";
  ScanOptions o = Opts();
  o.target = "sbom";
  o.path = Write("bom.json", cdx).string();
  ScanOutcome out = RunScan(o);
  ASSERT_EQ(out.exit_code, 0) << out.error;
  EXPECT_THAT(Findings(out.document), ElementsAre("CVE-2023-45853/zlib1g", "CVE-2023-5678/libssl3",
                                                  "CVE-2024-0727/libssl3"));
  EXPECT_THAT(out.warnings, ElementsAre(o.path + ": components[3]: 'no-purl' has no purl; not "
                                                 "matched"));
  EXPECT_EQ(json::parse(out.document)["resource"]["id"], "sbom:" + o.path);

  std::string spdx = R"({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": [
    {"SPDXID": "SPDXRef-1", "name": "zlib1g", "externalRefs": [{"referenceCategory":
     "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator":
     "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?distro=debian-12&upstream=zlib"}]}]})";
  o.path = Write("bom.spdx.json", spdx).string();
  ScanOutcome from_spdx = RunScan(o);
  ASSERT_EQ(from_spdx.exit_code, 0) << from_spdx.error;
  EXPECT_THAT(Findings(from_spdx.document), ElementsAre("CVE-2023-45853/zlib1g"));

  o.path = Write("broken.json", "{\"bomFormat\": ").string();
  ScanOutcome broken = RunScan(o);
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_THAT(broken.error, HasSubstr(": not JSON"));
}

TEST_F(ScanCmdTest, HostScansItsRoot) {
  ScanOptions o = Opts();
  o.target = "host";
  o.path.clear();
  o.host_root = root_.string();
  ScanOutcome out = RunScan(o);
  ASSERT_EQ(out.exit_code, 0) << out.error;
  json doc = json::parse(out.document);
  EXPECT_EQ(doc["resource"]["type"], "host");
  EXPECT_EQ(doc["resource"]["id"].get<std::string>().rfind("host:", 0), 0u);
  EXPECT_EQ(doc["summary"]["total"], 5);
}

TEST_F(ScanCmdTest, BadArguments) {
  ScanOptions o = Opts("xml");
  ScanOutcome out = RunScan(o);
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_EQ(out.error, "unknown format 'xml' (known: table, json, sarif, cyclonedx, spdx, html)");
  o = Opts();
  o.path.clear();
  EXPECT_EQ(RunScan(o).error, "scan rootfs needs a PATH");
  o = Opts();
  o.now = "yesterday";
  EXPECT_EQ(RunScan(o).exit_code, 2);
}

TEST_F(ScanCmdTest, TheScannedTreeIsLeftAlone) {
  auto before = base::ReadFile(root_ / "var/lib/dpkg/status");
  std::set<std::string> names_before;
  for (const auto& e : stdfs::recursive_directory_iterator(root_)) {
    names_before.insert(e.path().string());
  }
  ASSERT_EQ(RunScan(Opts()).exit_code, 0);
  std::set<std::string> names_after;
  for (const auto& e : stdfs::recursive_directory_iterator(root_)) {
    names_after.insert(e.path().string());
  }
  EXPECT_EQ(names_before, names_after);
  EXPECT_EQ(*base::ReadFile(root_ / "var/lib/dpkg/status"), *before);
}

}  // namespace
}  // namespace assay::cli
