// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/nuget.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>

#include "base/testing/conformance.h"
#include "versions/internal/conformance_rows.h"

namespace assay::versions {
namespace {

using internal::CheckPair;
using internal::CompareCase;
using internal::Disputed;
using internal::GroupOf;
using internal::Key;

TEST(NuGetTest, Name) { EXPECT_EQ(NuGetScheme().Name(), "nuget"); }

TEST(NuGetTest, Table) {
  const std::vector<CompareCase> cases = {
      {"1.0", "1.0.0", 0},
      {"1.0.0", "1.0.0.0", 0},
      {"1", "1.0", 0},
      {"1.01", "1.1", 0},
      {"1.0.0+build.5", "1.0.0", 0},
      {"1.0.0-BETA", "1.0.0-beta", 0},
      {"1.0.0.1", "1.0.0", 1},
      // SemVer 2.0's precedence example.
      {"1.0.0-alpha", "1.0.0-alpha.1", -1},
      {"1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
      {"1.0.0-alpha.beta", "1.0.0-beta", -1},
      {"1.0.0-beta", "1.0.0-beta.2", -1},
      {"1.0.0-beta.2", "1.0.0-beta.11", -1},
      {"1.0.0-beta.11", "1.0.0-rc.1", -1},
      {"1.0.0-rc.1", "1.0.0", -1},
      {"1.0.0-1", "1.0.0-a", -1},
      {"1.0.0--1", "1.0.0-0", -1},
      {"1.0.0-a-b", "1.0.0-a", 1},
      {"2.0.0", "10.0.0", -1},
      {"99999999999999999999.0", "99999999999999999998.9", 1},
      {" 1.0 ", "1.0", 0},
  };
  const Scheme& s = NuGetScheme();
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.a + " vs " + tc.b);
    std::string why;
    EXPECT_TRUE(CheckPair(s, tc.a, tc.b, tc.cmp, &why)) << why;
  }
}

TEST(NuGetTest, Validity) {
  const Scheme& s = NuGetScheme();
  for (const char* v : {"1", "1.0", "1.0.0.0", "1.0.0-0", "1.0-0a", "1.0+001", "1.0-a.b-c+d.e",
                        "01.002", " 1.0\t"}) {
    EXPECT_TRUE(s.Validate(v).ok()) << v;
  }
  for (const char* v : {"", " ", "v1.0", "1.0.0.0.0", "1.0-", "1.0+", "1.0-01", "1.0-a..b", "1..0",
                        "1.", "a", "1.0 beta", "1.0-a_b", "1.0+a+b", "-1.0", "+1.0", "1.0-+b"}) {
    EXPECT_EQ(s.Validate(v).code(), base::Code::kInvalidArgument) << v;
  }
  EXPECT_EQ(s.Compare("1.0", "x").status().code(), base::Code::kInvalidArgument);
}

TEST(NuGetTest, Conformance) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  const auto disputed = Disputed(*dir, "NuGet");
  const Scheme& s = NuGetScheme();
  testing::PassTable table("version/nuget.jsonl (NuGetVersion)");
  int reported = 0;
  for (const auto& row : testing::ReadJsonLines(*dir / "version/nuget.jsonl")) {
    const auto& v = row.value;
    std::string a = v["a"], b = v["b"];
    if (disputed.count({"NuGet", a, b})) continue;
    std::string why;
    bool pass = CheckPair(s, a, b, v["cmp"].get<int>(), &why);
    table.Add(GroupOf(v["src"]), pass);
    if (!pass && reported++ < 20) {
      ADD_FAILURE() << "line " << row.line << ": \"" << a << "\" vs \"" << b << "\": " << why;
    }
  }
  table.Print();
  EXPECT_EQ(table.Failed(), 0);
}

}  // namespace
}  // namespace assay::versions
