// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/packagist.h"

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

TEST(PackagistTest, Name) { EXPECT_EQ(PackagistScheme().Name(), "packagist"); }

TEST(PackagistTest, Table) {
  const std::vector<CompareCase> cases = {
      // Stability order: dev < alpha < beta < RC < stable < patch.
      {"1.0-dev", "1.0-alpha1", -1},
      {"1.0-alpha1", "1.0-a2", -1},
      {"1.0a2", "1.0beta1", -1},
      {"1.0-b1", "1.0-RC1", -1},
      {"1.0-RC1", "1.0-rc1", 0},
      {"1.0rc1", "1.0", -1},
      {"1.0", "1.0-p1", -1},
      {"1.0-patch1", "1.0-pl1", 0},
      // Separators and transitions.
      {"1.0.0-beta.2", "1.0.0_beta2", 0},
      {"1.0.0+5", "1.0.0.5", 0},
      {"1.0.0rc2", "1.0.0.rc2", 0},
      // No padding: a longer version wins on a number, loses on a pre-release word.
      {"1.0", "1.0.0", -1},
      {"1.0", "1.0-beta", 1},
      {"1.0", "1.0.0-beta", -1},
      // "v" prefix.
      {"v1.2.3", "1.2.3", 0},
      {"V1.2.3", "v1.2.4", -1},
      // Branches sort below releases; unknown words below dev.
      {"dev-main", "0.0.1", -1},
      {"1.0-foo", "1.0-dev", -1},
      {"10", "9", 1},
      {"99999999999999999999999", "99999999999999999999998", 1},
  };
  const Scheme& s = PackagistScheme();
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.a + " vs " + tc.b);
    std::string why;
    EXPECT_TRUE(CheckPair(s, tc.a, tc.b, tc.cmp, &why)) << why;
  }
}

TEST(PackagistTest, Validity) {
  const Scheme& s = PackagistScheme();
  for (const char* v : {"1", "v1.0", "dev-main", "1.0.x-dev", "1.2.3.#", " 1.0 ", "1..2", "é"}) {
    EXPECT_TRUE(s.Validate(v).ok()) << v;
  }
  for (const char* v : {"", "  ", "1.0\x01", "1\x7f"}) {
    EXPECT_EQ(s.Validate(v).code(), base::Code::kInvalidArgument) << v;
  }
  EXPECT_FALSE(s.Validate(std::string("1\0"
                                      "2",
                                      3))
                   .ok());

  for (const char* v :
       {"1", "v1.0", "1.0.0-beta.2", "2.x-dev", "dev-main", "1.0+build.5", " 1.0_RC1 "}) {
    EXPECT_TRUE(IsWellFormedPackagistVersion(v)) << v;
  }
  for (const char* v : {"", "1.", ".1", "1..2", "1.-2", "1.2.3.#", "1 2", "1.0!", "é"}) {
    EXPECT_FALSE(IsWellFormedPackagistVersion(v)) << v;
  }
}

TEST(PackagistTest, PhpQuirksOutsideWellFormedVersions) {
  const Scheme& s = PackagistScheme();
  // PHP's end-of-loop check looks at the left remainder first, so a trailing separator makes
  // both orders "less". Kept for fidelity; such versions are not well-formed.
  EXPECT_EQ(*s.Compare("1.0.", "1.0.x"), -1);
  EXPECT_EQ(*s.Compare("1.0.x", "1.0."), -1);
  // '#' ranks like any number.
  EXPECT_EQ(*s.Compare("1.#", "1.1"), 0);
  EXPECT_EQ(*s.Compare("1.#", "1.2"), 0);
}

TEST(PackagistTest, Conformance) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  const auto disputed = Disputed(*dir, "Packagist");
  const Scheme& s = PackagistScheme();
  testing::PassTable table("version/packagist.jsonl (PHP version_compare)");
  int reported = 0;
  for (const auto& row : testing::ReadJsonLines(*dir / "version/packagist.jsonl")) {
    const auto& v = row.value;
    std::string a = v["a"], b = v["b"];
    if (disputed.count({"Packagist", a, b})) continue;
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
