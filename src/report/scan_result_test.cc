// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "report/scan_result.h"

#include <gtest/gtest.h>

#include "report/test_fixture.h"

namespace assay::report {
namespace {

TEST(SummarizeTest, CountsSeveritiesFixesAndPackages) {
  Summary s = Summarize(testing::SampleResult());
  EXPECT_EQ(s.critical, 1u);
  EXPECT_EQ(s.high, 0u);
  EXPECT_EQ(s.medium, 2u);
  EXPECT_EQ(s.low, 1u);
  EXPECT_EQ(s.total, 4u);
  EXPECT_EQ(s.fixable, 2u);
  EXPECT_EQ(s.packages, 4u);
}

TEST(InventoryResultTest, CarriesInventoryWarnings) {
  model::Inventory inv;
  inv.warnings = {{"var/lib/dpkg/status:3", "bad stanza"}, {"", "no location"}};
  ScanResult r = InventoryResult(inv, {"rootfs", "rootfs:/x", "/x", "2024-01-01T00:00:00Z", {}});
  EXPECT_FALSE(r.vulnerability_scan);
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_EQ(r.warnings[0], "var/lib/dpkg/status:3: bad stanza");
  EXPECT_EQ(r.warnings[1], "no location");
}

TEST(Rfc3339Test, FormatAndParse) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1714564800), "2024-05-01T12:00:00Z");
  struct Case {
    const char* text;
    std::optional<std::int64_t> want;
  };
  const Case cases[] = {
      {"2024-05-01T12:00:00Z", 1714564800},
      {"2024-05-01t12:00:00z", 1714564800},
      {"2024-05-01T12:00:00.999Z", 1714564800},
      {"2024-05-01T14:00:00+02:00", 1714564800},
      {"2024-05-01T10:30:00-01:30", 1714564800},
      {"2000-02-29T00:00:00Z", 951782400},
      {"1969-12-31T23:59:59Z", -1},
      {"2024-05-01", std::nullopt},
      {"2024-05-01T12:00:00", std::nullopt},
      {"2024-13-01T12:00:00Z", std::nullopt},
      {"2024-05-01T24:00:00Z", std::nullopt},
      {"2024-05-01T12:00:00.Z", std::nullopt},
      {"2024-05-01T12:00:00+0200", std::nullopt},
      {"2024-05-01T12:00:00Zjunk", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.text);
    EXPECT_EQ(ParseRfc3339(tc.text), tc.want);
  }
  auto now = ParseRfc3339(NowRfc3339());
  ASSERT_TRUE(now.has_value());
  EXPECT_GT(*now, 1700000000);
}

}  // namespace
}  // namespace assay::report
