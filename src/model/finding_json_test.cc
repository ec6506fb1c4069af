// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The Inspector2-shaped finding JSON: exact shape, round trip, and refusal of wrong types.
#include "model/finding_json.h"

#include <gtest/gtest.h>

#include <string>

namespace assay::model {
namespace {

Finding Sample() {
  Finding f;
  f.finding_id = "4f0c0b6d";
  f.title = "CVE-2019-1543 - libssl1.1";
  f.description = "ChaCha20-Poly1305 nonce";
  f.severity = Severity::kLow;
  f.score = 7.4;
  f.fix_available = FixAvailable::kYes;
  f.first_observed_at = "2024-05-01T10:00:00Z";
  f.last_observed_at = "2024-05-02T10:00:00Z";
  f.updated_at = "2024-05-02T10:00:00Z";
  auto& d = f.package_vulnerability_details;
  d.vulnerability_id = "CVE-2019-1543";
  d.source = "UBUNTU";
  d.source_url = "https://ubuntu.com/security/CVE-2019-1543";
  d.vendor_severity = "low";
  d.related_vulnerabilities = {"UBUNTU-CVE-2019-1543"};
  d.cvss = {
      {"OSV:UBUNTU-CVE-2019-1543", "3.0", "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4}};
  d.reference_urls = {"https://ubuntu.com/security/CVE-2019-1543"};
  VulnerablePackage p;
  p.name = "libssl1.1";
  p.version = "1.1.1-1ubuntu2.1~18.04.1";
  p.source_name = "openssl";
  p.arch = "amd64";
  p.fixed_in_version = "1.1.1-1ubuntu2.1~18.04.2";
  p.package_manager = "DPKG";
  p.file_path = "var/lib/dpkg/status";
  p.ecosystem = "Ubuntu:18.04:LTS";
  p.remediation = "Upgrade openssl to 1.1.1-1ubuntu2.1~18.04.2 or later";
  d.vulnerable_packages = {p};
  d.vendor_created_at = "2019-03-06T21:29:00Z";
  d.vendor_updated_at = "2020-03-04T05:57:18Z";
  f.epss = 0.25;
  f.exploit_available = true;
  f.kev_date_added = "2022-03-25";
  return f;
}

TEST(FindingJsonTest, Shape) {
  nlohmann::ordered_json j = FindingToJson(Sample());
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"findingId", "type", "title", "description", "severity",
                                      "status", "score", "fixAvailable", "firstObservedAt",
                                      "lastObservedAt", "updatedAt", "packageVulnerabilityDetails",
                                      "epss", "exploitAvailable", "exploitabilityDetails"}));
  EXPECT_EQ(j["severity"], "LOW");
  EXPECT_EQ(j["type"], "PACKAGE_VULNERABILITY");
  EXPECT_EQ(j["fixAvailable"], "YES");
  EXPECT_EQ(j["exploitAvailable"], "YES");
  EXPECT_EQ(j["epss"]["score"], 0.25);
  EXPECT_EQ(j["exploitabilityDetails"]["lastKnownExploitAt"], "2022-03-25T00:00:00Z");
  const auto& d = j["packageVulnerabilityDetails"];
  EXPECT_EQ(d["cvss"][0]["baseScore"], 7.4);
  EXPECT_EQ(d["cvss"][0]["version"], "3.0");
  EXPECT_EQ(d["vulnerablePackages"][0]["fixedInVersion"], "1.1.1-1ubuntu2.1~18.04.2");
  EXPECT_EQ(d["vulnerablePackages"][0]["sourceVersion"], "");
  EXPECT_EQ(d["vulnerablePackages"][0].size(), 12u);
}

TEST(FindingJsonTest, NullsWhenUnknown) {
  Finding f;
  nlohmann::ordered_json j = FindingToJson(f);
  EXPECT_TRUE(j["score"].is_null());
  EXPECT_TRUE(j["epss"].is_null());
  EXPECT_TRUE(j["exploitabilityDetails"].is_null());
  EXPECT_EQ(j["exploitAvailable"], "NO");
  EXPECT_EQ(j["fixAvailable"], "NO");
  EXPECT_EQ(j["severity"], "UNTRIAGED");
}

TEST(FindingJsonTest, RoundTrip) {
  for (const Finding& f : {Sample(), Finding{}}) {
    std::string text = FindingToJsonText(f);
    auto back = FindingFromJsonText(text);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(FindingToJsonText(*back), text);
    EXPECT_EQ(back->kev_date_added, f.kev_date_added);
    EXPECT_EQ(back->score, f.score);
    EXPECT_EQ(back->epss, f.epss);
    EXPECT_EQ(back->severity, f.severity);
    EXPECT_EQ(back->fix_available, f.fix_available);
  }
}

TEST(FindingJsonTest, FixAvailableNames) {
  for (FixAvailable f : {FixAvailable::kYes, FixAvailable::kNo, FixAvailable::kPartial}) {
    EXPECT_EQ(ParseFixAvailable(FixAvailableName(f)), f);
  }
  EXPECT_EQ(FixAvailableName(FixAvailable::kPartial), "PARTIAL");
  EXPECT_FALSE(ParseFixAvailable("yes").has_value());
}

TEST(FindingJsonTest, Rejects) {
  for (const char* text : {
           "[]",
           "not json",
           R"({"severity": "SEVERE"})",
           R"({"fixAvailable": "MAYBE"})",
           R"({"exploitAvailable": "PERHAPS"})",
           R"({"score": "9.8"})",
           R"({"title": 1})",
           R"({"packageVulnerabilityDetails": []})",
           R"({"packageVulnerabilityDetails": {"cvss": [{"baseScore": "x"}]}})",
           R"({"packageVulnerabilityDetails": {"vulnerablePackages": [1]}})",
           R"({"packageVulnerabilityDetails": {"relatedVulnerabilities": [1]}})",
           R"({"epss": 0.5})",
           R"({"exploitabilityDetails": "2024-01-01"})",
       }) {
    SCOPED_TRACE(text);
    auto f = FindingFromJsonText(text);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().code(), base::Code::kInvalidArgument);
  }
}

TEST(FindingJsonTest, MissingKeysReadAsDefaults) {
  auto f = FindingFromJsonText(R"({"findingId": "x", "exploitabilityDetails": null})");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->finding_id, "x");
  EXPECT_EQ(f->type, "PACKAGE_VULNERABILITY");
  EXPECT_EQ(f->status, "ACTIVE");
  EXPECT_FALSE(f->score.has_value());
  EXPECT_TRUE(f->kev_date_added.empty());
}

}  // namespace
}  // namespace assay::model
