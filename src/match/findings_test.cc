// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Building findings from matches: severity precedence, CVSS records, fix and remediation, KEV,
// stable ids and the output order.
#include "match/findings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "match/test_util.h"

namespace assay::match {
namespace {

using advisories::AffectedEntry;
using model::Severity;
using namespace testing;  // NOLINT: test builders

const FindingContext kCtx{"rootfs:/srv/a", "2024-05-01T10:00:00Z"};

// Matches `pkg` against `entries` and builds the one finding expected.
model::Finding Build(const model::Package& pkg, const model::OsInfo& os,
                     const std::vector<AffectedEntry>& entries,
                     const AdvisoryDetailsMap& details = {}, const CveEnrichmentMap& cves = {}) {
  auto matches = MatchPackage(pkg, os, entries, nullptr);
  EXPECT_EQ(matches.size(), 1u);
  if (matches.empty()) return {};
  auto f = BuildFinding(pkg, matches[0], details, cves, kCtx);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? *f : model::Finding{};
}

AdvisoryDetails Details(std::string id, std::string summary, std::string details_text = "") {
  AdvisoryDetails d;
  d.advisory.id = std::move(id);
  d.advisory.summary = std::move(summary);
  d.advisory.details = std::move(details_text);
  return d;
}

constexpr const char* kV31High = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N";      // 8.1
constexpr const char* kV30Critical = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";  // 9.8
constexpr const char* kV2Medium = "AV:N/AC:M/Au:N/C:P/I:N/A:N";                       // 4.3
constexpr const char* kV4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N";

struct SeverityCase {
  std::string name;
  model::Package pkg;
  std::vector<AffectedEntry> entries;
  AdvisoryDetailsMap details;
  CveEnrichmentMap cves;
  Severity want;
  std::optional<double> want_score;
  std::string want_vendor;
};

std::vector<SeverityCase> SeverityCases() {
  const model::Package ubuntu = Pkg("Ubuntu:18.04:LTS", "openssl", "1.1.1-1ubuntu2.1~18.04.1");
  const model::Package debian = Pkg("Debian:11", "openssl", "1.1.1n-0+deb11u3");
  const model::Package alma = Pkg("AlmaLinux:9", "openssl-libs", "1:3.0.7-24.el9", "openssl");
  advisories::NvdCvss nvd;
  nvd.cve = "CVE-2024-0001";
  nvd.v3_vector = kV30Critical;
  nvd.v2_vector = kV2Medium;
  const CveEnrichmentMap with_nvd = {{"CVE-2024-0001", {std::nullopt, nvd}}};
  return {
      {"ubuntu priority beats CVSS",
       ubuntu,
       {Fix({"UBUNTU-CVE-2019-1543",
             {},
             {"CVE-2019-1543"},
             "",
             {{"CVSS_V3", kV31High}},
             R"({"priority":"low"})"},
            "Ubuntu:18.04:LTS", "openssl", "1.1.1-1ubuntu2.1~18.04.2")},
       {},
       {},
       Severity::kLow,
       std::nullopt,
       "low"},
      {"ubuntu severity entry of type Ubuntu",
       ubuntu,
       {Fix({"UBUNTU-CVE-2019-1", {}, {}, "", {{"Ubuntu", "high"}}}, "Ubuntu:18.04:LTS", "openssl",
            "")},
       {},
       {},
       Severity::kHigh,
       std::nullopt,
       "high"},
      {"ubuntu untriaged priority falls back to CVSS",
       ubuntu,
       {Fix({"UBUNTU-CVE-2019-2",
             {},
             {},
             "",
             {{"CVSS_V3", kV31High}},
             R"({"priority":"untriaged"})"},
            "Ubuntu:18.04:LTS", "openssl", "")},
       {},
       {},
       Severity::kHigh,
       8.1,
       ""},
      {"almalinux rating from the summary",
       alma,
       {Fix({"ALSA-2024:1"}, "AlmaLinux:9", "openssl-libs", "1:3.0.7-25.el9")},
       {{"ALSA-2024:1", Details("ALSA-2024:1", "Important: openssl security update")}},
       {},
       Severity::kHigh,
       std::nullopt,
       "Important"},
      {"almalinux advisory whose summary carries no rating",
       alma,
       {Fix({"ALSA-2024:1"}, "AlmaLinux:9", "openssl-libs", "1:3.0.7-25.el9")},
       {{"ALSA-2024:1", Details("ALSA-2024:1", "openssl security update")}},
       {},
       Severity::kUntriaged,
       std::nullopt,
       ""},
      {"debian without rating: NVD CVSS of its CVE, v3 over v2",
       debian,
       {Fix({"DSA-1", {}, {"CVE-2024-0001"}}, "Debian:11", "openssl", "1.1.1n-0+deb11u4")},
       {},
       with_nvd,
       Severity::kCritical,
       9.8,
       ""},
      {"v3.1 beats a higher v3.0 score",
       debian,
       {Fix({"DSA-1", {}, {"CVE-2024-0001"}, "", {{"CVSS_V3", kV31High}}}, "Debian:11", "openssl",
            "")},
       {},
       with_nvd,
       Severity::kHigh,
       8.1,
       ""},
      {"v4 beats v3.1",
       debian,
       {Fix({"DSA-1", {}, {}, "", {{"CVSS_V3", kV31High}, {"CVSS_V4", kV4}}}, "Debian:11",
            "openssl", "")},
       {},
       {},
       Severity::kMedium,
       6.9,
       ""},
      {"v2 only",
       debian,
       {Fix({"DSA-1", {}, {}, "", {{"CVSS_V2", kV2Medium}}}, "Debian:11", "openssl", "")},
       {},
       {},
       Severity::kMedium,
       4.3,
       ""},
      {"nothing: untriaged",
       debian,
       {Fix({"DSA-1"}, "Debian:11", "openssl", "")},
       {},
       {},
       Severity::kUntriaged,
       std::nullopt,
       ""},
      {"invalid vectors are skipped",
       debian,
       {Fix({"DSA-1", {}, {}, "", {{"CVSS_V3", "CVSS:3.1/AV:X"}, {"CVSS_V2", kV2Medium}}},
            "Debian:11", "openssl", "")},
       {},
       {},
       Severity::kMedium,
       4.3,
       ""},
      {"language package: vendor fields ignored, CVSS used",
       Pkg("PyPI", "x", "1.0"),
       {Fix({"PYSEC-1", {}, {}, "", {{"CVSS_V3", kV31High}}, R"({"severity":"LOW"})"}, "PyPI", "x",
            "2.0")},
       {},
       {},
       Severity::kHigh,
       8.1,
       ""},
      {"distribution database_specific severity",
       Pkg("SUSE:Linux Enterprise Server 15", "x", "1.0-1"),
       {Fix({"SUSE-1", {}, {}, "", {{"CVSS_V3", kV31High}}, R"({"severity":"moderate"})"},
            "SUSE:Linux Enterprise Server 15", "x", "2.0-1")},
       {},
       {},
       Severity::kMedium,
       std::nullopt,
       "moderate"},
  };
}

TEST(BuildFindingTest, SeverityPrecedence) {
  for (const SeverityCase& tc : SeverityCases()) {
    SCOPED_TRACE(tc.name);
    model::Finding f = Build(tc.pkg, Os(tc.pkg.ecosystem), tc.entries, tc.details, tc.cves);
    EXPECT_EQ(model::SeverityName(f.severity), model::SeverityName(tc.want));
    EXPECT_EQ(f.score, tc.want_score);
    EXPECT_EQ(f.package_vulnerability_details.vendor_severity, tc.want_vendor);
  }
}

TEST(BuildFindingTest, CvssRecordsKeepEverySource) {
  advisories::NvdCvss nvd;
  nvd.cve = "CVE-2024-0001";
  nvd.v3_vector = kV30Critical;
  nvd.v2_vector = kV2Medium;
  model::Finding f = Build(Pkg("Debian:11", "openssl", "1.0-1"), Os("Debian:11"),
                           {Fix({"DSA-1", {}, {"CVE-2024-0001"}, "", {{"CVSS_V3", kV31High}}},
                                "Debian:11", "openssl", "1.0-2")},
                           {}, {{"CVE-2024-0001", {std::nullopt, nvd}}});
  const auto& cvss = f.package_vulnerability_details.cvss;
  ASSERT_EQ(cvss.size(), 3u);
  EXPECT_EQ(cvss[0].source, "OSV:DSA-1");
  EXPECT_EQ(cvss[0].version, "3.1");
  EXPECT_DOUBLE_EQ(cvss[0].base_score, 8.1);
  EXPECT_EQ(cvss[1].source, "NVD:CVE-2024-0001");
  EXPECT_EQ(cvss[1].version, "3.0");
  EXPECT_EQ(cvss[1].scoring_vector, kV30Critical);
  EXPECT_EQ(cvss[2].version, "2.0");
}

TEST(BuildFindingTest, Fields) {
  model::Package pkg = Pkg("Debian:11", "libssl1.1", "1.1.1n-0+deb11u3", "openssl");
  pkg.arch = "amd64";
  pkg.purl = "pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u3?arch=amd64&distro=debian-11";
  AdvisoryDetails d = Details("DSA-1", "openssl - security update");
  d.advisory.published = "2023-02-07T00:00:00Z";
  d.advisory.modified = "2023-04-02T14:30:54Z";
  d.advisory.references = {{"WEB", "https://example.org/x"},
                           {"ADVISORY", "https://security-tracker.debian.org/tracker/DSA-1"}};
  advisories::KevEntry kev;
  kev.cve = "CVE-2024-0001";
  kev.date_added = "2024-03-01";
  advisories::KevEntry kev2 = kev;
  kev2.cve = "CVE-2024-0002";
  kev2.date_added = "2023-01-01";
  advisories::KevEntry unrelated = kev;
  unrelated.cve = "CVE-2024-0009";
  unrelated.date_added = "2025-01-01";
  model::Finding f = Build(pkg, Os("Debian:11"),
                           {Fix({"DSA-1", {}, {"CVE-2024-0001", "CVE-2024-0002"}}, "Debian:11",
                                "openssl", "1.1.1n-0+deb11u4")},
                           {{"DSA-1", d}},
                           {{"CVE-2024-0001", {kev, std::nullopt}},
                            {"CVE-2024-0002", {kev2, std::nullopt}},
                            {"CVE-2024-0009", {unrelated, std::nullopt}}});
  EXPECT_EQ(f.finding_id.size(), 64u);
  EXPECT_EQ(f.type, "PACKAGE_VULNERABILITY");
  EXPECT_EQ(f.title, "DSA-1 - libssl1.1");
  EXPECT_EQ(f.description, "openssl - security update");
  EXPECT_EQ(f.status, "ACTIVE");
  EXPECT_EQ(f.fix_available, model::FixAvailable::kYes);
  EXPECT_EQ(f.first_observed_at, kCtx.observed_at);
  EXPECT_EQ(f.last_observed_at, kCtx.observed_at);
  EXPECT_EQ(f.updated_at, kCtx.observed_at);
  EXPECT_TRUE(f.exploit_available);
  EXPECT_EQ(f.kev_date_added, "2024-03-01");
  EXPECT_FALSE(f.epss.has_value());
  const auto& d2 = f.package_vulnerability_details;
  EXPECT_EQ(d2.vulnerability_id, "DSA-1");
  EXPECT_EQ(d2.source, "DEBIAN");
  EXPECT_EQ(d2.source_url, "https://security-tracker.debian.org/tracker/DSA-1");
  EXPECT_EQ(d2.related_vulnerabilities,
            (std::vector<std::string>{"CVE-2024-0001", "CVE-2024-0002"}));
  EXPECT_EQ(d2.reference_urls.size(), 2u);
  EXPECT_EQ(d2.vendor_created_at, "2023-02-07T00:00:00Z");
  EXPECT_EQ(d2.vendor_updated_at, "2023-04-02T14:30:54Z");
  ASSERT_EQ(d2.vulnerable_packages.size(), 1u);
  const auto& vp = d2.vulnerable_packages[0];
  EXPECT_EQ(vp.name, "libssl1.1");
  EXPECT_EQ(vp.version, "1.1.1n-0+deb11u3");
  EXPECT_EQ(vp.source_name, "openssl");
  EXPECT_EQ(vp.arch, "amd64");
  EXPECT_EQ(vp.fixed_in_version, "1.1.1n-0+deb11u4");
  EXPECT_EQ(vp.package_manager, "DPKG");
  EXPECT_EQ(vp.file_path, "var/lib/dpkg/status");
  EXPECT_EQ(vp.ecosystem, "Debian:11");
  EXPECT_EQ(vp.purl, pkg.purl);
  EXPECT_EQ(vp.remediation, "Upgrade openssl to 1.1.1n-0+deb11u4 or later");
}

TEST(BuildFindingTest, UnfixedAndDescriptionFallback) {
  model::Finding f = Build(
      Pkg("Ubuntu:18.04:LTS", "openssl", "1.1.1-1ubuntu2.1~18.04.1"), Os("Ubuntu:18.04:LTS"),
      {Fix({"UBUNTU-CVE-2019-1543", {}, {"CVE-2019-1543"}}, "Ubuntu:18.04:LTS", "openssl", "")},
      {{"UBUNTU-CVE-2019-1543",
        Details("UBUNTU-CVE-2019-1543", "", "ChaCha20-Poly1305 nonce.\nMore text.")}});
  EXPECT_EQ(f.title, "CVE-2019-1543 - openssl");
  EXPECT_EQ(f.description, "ChaCha20-Poly1305 nonce.");
  EXPECT_EQ(f.fix_available, model::FixAvailable::kNo);
  EXPECT_EQ(f.package_vulnerability_details.vulnerable_packages[0].fixed_in_version, "");
  EXPECT_EQ(f.package_vulnerability_details.source_url,
            "https://osv.dev/vulnerability/UBUNTU-CVE-2019-1543");
  EXPECT_FALSE(f.exploit_available);
}

TEST(BuildFindingTest, UbuntuProOnlyFix) {
  model::Finding f = Build(
      Pkg("Ubuntu:16.04:LTS", "libssl1.0.0", "1.0.2g-1ubuntu4.20", "openssl"),
      Os("Ubuntu:16.04:LTS"),
      {Fix({"UBUNTU-CVE-2022-1292"}, "Ubuntu:16.04:LTS", "openssl", "1.0.2g-1ubuntu4.20+esm1")});
  EXPECT_EQ(f.fix_available, model::FixAvailable::kNo);
  const auto& vp = f.package_vulnerability_details.vulnerable_packages[0];
  EXPECT_EQ(vp.fixed_in_version, "");
  EXPECT_EQ(vp.remediation,
            "Fixed in openssl 1.0.2g-1ubuntu4.20+esm1 for Ubuntu Pro only: attach the host to "
            "Ubuntu Pro, then upgrade");
}

TEST(FindingIdTest, StableAndDistinct) {
  model::Package p = Pkg("Debian:11", "openssl", "1.0-1");
  auto a = FindingId("r1", "CVE-1", p);
  auto b = FindingId("r1", "CVE-1", p);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *FindingId("r2", "CVE-1", p));
  EXPECT_NE(*a, *FindingId("r1", "CVE-2", p));
  model::Package q = p;
  q.path = "other/status";
  EXPECT_NE(*a, *FindingId("r1", "CVE-1", q));
  // Field boundaries matter: ("ab", "c") differs from ("a", "bc").
  EXPECT_NE(*FindingId("ab", "c", p), *FindingId("a", "bc", p));
}

TEST(SortFindingsTest, SeverityThenIdThenPackage) {
  auto make = [](Severity s, std::string id, std::string pkg) {
    model::Finding f;
    f.severity = s;
    f.package_vulnerability_details.vulnerability_id = std::move(id);
    model::VulnerablePackage vp;
    vp.name = std::move(pkg);
    f.package_vulnerability_details.vulnerable_packages.push_back(vp);
    return f;
  };
  std::vector<model::Finding> v = {
      make(Severity::kLow, "CVE-1", "a"), make(Severity::kCritical, "CVE-9", "b"),
      make(Severity::kLow, "CVE-1", "0"), make(Severity::kUntriaged, "A", "a"),
      make(Severity::kCritical, "CVE-2", "z")};
  SortFindings(v);
  std::vector<std::string> got;
  for (const auto& f : v) {
    got.push_back(f.package_vulnerability_details.vulnerability_id + "/" +
                  f.package_vulnerability_details.vulnerable_packages[0].name);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"CVE-2/z", "CVE-9/b", "CVE-1/0", "CVE-1/a", "A/a"}));
}

}  // namespace
}  // namespace assay::match
