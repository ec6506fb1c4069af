// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/rubygems.h"

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

TEST(RubyGemsTest, Name) { EXPECT_EQ(RubyGemsScheme().Name(), "rubygems"); }

TEST(RubyGemsTest, Table) {
  const std::vector<CompareCase> cases = {
      {"1.0", "1.0.0", 0},
      {"1.0.a", "1.0", -1},
      {"1.0.a", "1.a", 0},       // trailing zeros before the prerelease part drop
      {"1.a.0", "1.a", 0},       // and at the end
      {"1.2.b1", "1.2.b.1", 0},  // letter/digit runs are separate segments
      {"1.0.0-1", "1", -1},      // '-' reads as ".pre."
      {"1-1", "1.pre.1", 0},
      {"1.0.A", "1.0.a", -1},  // strings compare byte-wise
      {"3.10", "3.2", 1},
      {"1.0.a10", "1.0.a9", 1},
      {"", "0", 0},
      {"  1.2  ", "1.2", 0},
      {"999999999999999999999991", "999999999999999999999999", -1},
      {"1.0.0.1", "1.0.0", 1},
      {"5.x", "5.0.0.rc2", 1},
  };
  const Scheme& s = RubyGemsScheme();
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.a + " vs " + tc.b);
    std::string why;
    EXPECT_TRUE(CheckPair(s, tc.a, tc.b, tc.cmp, &why)) << why;
  }
}

TEST(RubyGemsTest, Validity) {
  const Scheme& s = RubyGemsScheme();
  for (const char* v : {"", "  ", "1", "1.0.a", "1-a-b", "1--", "1.0-x.y-z", "0\n", "01.02"}) {
    EXPECT_TRUE(s.Validate(v).ok()) << v;
  }
  for (const char* v :
       {"a", "1beta", "1.", "1..2", "1.0-", "1-.a", "v1.0", "1 2", "1.0+b", "1_0", "-1"}) {
    auto st = s.Validate(v);
    EXPECT_EQ(st.code(), base::Code::kInvalidArgument) << v;
  }
  EXPECT_FALSE(s.Validate(std::string("1\0"
                                      "2",
                                      3))
                   .ok());
  EXPECT_FALSE(s.Compare("1beta", "1").ok());
}

TEST(RubyGemsTest, Requirements) {
  struct Case {
    std::string requirement;
    std::string version;
    bool satisfied;
  };
  const std::vector<Case> cases = {
      {"= 1.0", "1.0.0", true},      {"1.0", "1.0", true},
      {"!= 1.2.3", "1.2.3", false},  {">= 1.2, < 2", "1.9.9", true},
      {">= 1.2, < 2", "2.0", false}, {"~> 1.4", "1.9", true},
      {"~> 1.4", "2.0", false},      {"~> 1.4.4", "1.4.9", true},
      {"~> 1.4.4", "1.5", false},    {"~> 1", "1.99", true},
      {"~> 2.0", "2.0.a", false},  // >= fails: a prerelease sorts below its release
      {"~> 1.0", "1.1.pre", true},   {"~> 1.1", "1.1.pre", false},
      {"~> 5.a", "5.0.0.rc2", true}, {"~> 999999999999999999999", "1000000000000000000000", false},
      {"  <=   1.0  ", "1.0", true},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.requirement + " / " + tc.version);
    auto r = GemRequirementSatisfied(tc.requirement, tc.version);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, tc.satisfied);
  }
  for (const char* bad : {"", ">", "=> 1", "~ 1", ">= 1,", "1.0 1.1", "= a", ">= 1, , < 2"}) {
    EXPECT_EQ(GemRequirementSatisfied(bad, "1").status().code(), base::Code::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(GemRequirementSatisfied(">= 1", "1beta").status().code(), base::Code::kInvalidArgument);
}

TEST(RubyGemsTest, Conformance) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  const auto disputed = Disputed(*dir, "RubyGems");
  const Scheme& s = RubyGemsScheme();
  testing::PassTable table("version/rubygems.jsonl (Gem::Version)");
  int reported = 0;
  for (const auto& row : testing::ReadJsonLines(*dir / "version/rubygems.jsonl")) {
    const auto& v = row.value;
    std::string a = v["a"], b = v["b"];
    if (disputed.count({"RubyGems", a, b})) continue;
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

TEST(RubyGemsTest, RequirementConformance) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  const auto disputed = Disputed(*dir, "RubyGems");
  testing::PassTable table("version/ranges/rubygems_requirements.jsonl (Gem::Requirement)");
  int reported = 0;
  for (const auto& row :
       testing::ReadJsonLines(*dir / "version/ranges/rubygems_requirements.jsonl")) {
    const auto& v = row.value;
    std::string range = v["range"], version = v["version"];
    if (disputed.count({"RubyGems", range, version})) continue;
    auto r = GemRequirementSatisfied(range, version);
    bool pass = r.ok() && *r == v["included"].get<bool>();
    table.Add(GroupOf(v["src"]), pass);
    if (!pass && reported++ < 20) {
      ADD_FAILURE() << "line " << row.line << ": \"" << version << "\" in \"" << range
                    << "\": " << (r.ok() ? (*r ? "true" : "false") : r.status().ToString());
    }
  }
  table.Print();
  EXPECT_EQ(table.Failed(), 0);
}

}  // namespace
}  // namespace assay::versions
