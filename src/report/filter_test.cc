// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "report/filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "report/test_fixture.h"

namespace assay::report {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Ids(const std::vector<model::Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) {
    out.push_back(f.package_vulnerability_details.vulnerability_id + "/" +
                  f.package_vulnerability_details.vulnerable_packages[0].name);
  }
  return out;
}

TEST(ParseIgnoreFileTest, Entries) {
  auto entries = ParseIgnoreFile(
      "# accepted risks\n"
      "\n"
      "CVE-2023-45853\n"
      "  CVE-2024-0727   expires=2024-12-31   # waiting for the vendor, TICKET-12\n"
      "GHSA-aaaa-bbbb-cccc EXPIRES=2025-01-01#no space before the hash\r\n",
      "ignore.txt");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].id, "CVE-2023-45853");
  EXPECT_EQ((*entries)[0].expires, "");
  EXPECT_EQ((*entries)[0].line, 3);
  EXPECT_EQ((*entries)[1].id, "CVE-2024-0727");
  EXPECT_EQ((*entries)[1].expires, "2024-12-31");
  EXPECT_EQ((*entries)[1].reason, "waiting for the vendor, TICKET-12");
  EXPECT_EQ((*entries)[2].expires, "2025-01-01");
  EXPECT_EQ((*entries)[2].line, 5);
}

TEST(ParseIgnoreFileTest, Errors) {
  struct Case {
    std::string text, want;
  };
  const std::vector<Case> cases = {
      {"CVE-1 expires=2024-13-01\n", "f:1: expires= wants a date YYYY-MM-DD, got '2024-13-01'"},
      {"\nCVE-1 expires=tomorrow\n", "f:2: expires= wants a date"},
      {"CVE-1 CVE-2\n", "f:1: unexpected 'CVE-2'"},
      {"CVE-1 until=2024-01-01\n", "f:1: unexpected 'until=2024-01-01'"},
      {"CVE-1 expires=2024-01-01 expires=2024-02-01\n", "f:1: expires= given twice"},
      {"expires=2024-01-01\n", "f:1: an entry starts with an ID"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.text);
    auto r = ParseIgnoreFile(tc.text, "f");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message().rfind(tc.want, 0), 0u) << r.status().message();
  }
}

TEST(ParseSeverityListTest, Lists) {
  auto s = ParseSeverityList("critical, HIGH,high,");
  ASSERT_TRUE(s.ok());
  EXPECT_THAT(*s, ElementsAre(model::Severity::kCritical, model::Severity::kHigh));
  EXPECT_THAT(ParseSeverityList("HIGH,SEVERE").status().message(),
              HasSubstr("unknown severity 'SEVERE'"));
  EXPECT_FALSE(ParseSeverityList(" , ").ok());
}

TEST(ApplyFiltersTest, SeverityAndUnfixed) {
  auto findings = testing::SampleResult().findings;
  FilterOptions o;
  o.severities = {model::Severity::kCritical, model::Severity::kLow};
  FilterReport rep = ApplyFilters(o, findings);
  EXPECT_THAT(Ids(findings), ElementsAre("CVE-2023-45853/zlib1g", "CVE-2023-5678/libssl3"));
  EXPECT_EQ(rep.filtered, 2u);

  findings = testing::SampleResult().findings;
  FilterOptions unfixed;
  unfixed.ignore_unfixed = true;
  ApplyFilters(unfixed, findings);
  EXPECT_THAT(Ids(findings), ElementsAre("CVE-2024-0727/libssl3", "CVE-2024-0727/openssl"));
}

TEST(ApplyFiltersTest, IgnoreEntries) {
  auto findings = testing::SampleResult().findings;
  FilterOptions o;
  o.ignorefile = ".assayignore";
  o.today = "2024-05-01";
  o.ignores = {
      {"dsa-5621-1", "2024-05-01", "alias, expires today: still active", 1},
      {"CVE-2023-45853", "2024-04-30", "expired yesterday", 2},
      {"CVE-2000-0001", "", "matches nothing", 3},
      {"CVE-1999-0002", "2020-01-01", "expired and matches nothing", 4},
  };
  FilterReport rep = ApplyFilters(o, findings);
  EXPECT_THAT(Ids(findings), ElementsAre("CVE-2023-45853/zlib1g", "CVE-2023-5678/libssl3"));
  EXPECT_EQ(rep.suppressed, 2u);
  EXPECT_THAT(rep.warnings,
              ElementsAre(".assayignore:2: the entry for CVE-2023-45853 expired on 2024-04-30; its "
                          "findings are shown again",
                          ".assayignore:4: the entry for CVE-1999-0002 expired on 2020-01-01 (and "
                          "matches no finding)"));
  EXPECT_THAT(rep.notes, ElementsAre(".assayignore:3: CVE-2000-0001 matches no finding"));
}

TEST(ApplyFiltersTest, IgnoredFindingHiddenBySeverityIsNotUnknown) {
  auto findings = testing::SampleResult().findings;
  FilterOptions o;
  o.severities = {model::Severity::kCritical};
  o.ignores = {{"CVE-2023-5678", "", "", 1}};
  FilterReport rep = ApplyFilters(o, findings);
  EXPECT_TRUE(rep.notes.empty());
  EXPECT_EQ(rep.suppressed, 1u);
  EXPECT_THAT(Ids(findings), ElementsAre("CVE-2023-45853/zlib1g"));
}

}  // namespace
}  // namespace assay::report
