// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/packagist.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>

#include "base/testing/conformance.h"

namespace assay::versions {
namespace {

struct CompareCase {
  std::string a;
  std::string b;
  int cmp;
};

// Checks compare(a, b) == cmp and compare(b, a) == -cmp; false with `why` set otherwise.
bool CheckPair(const Scheme& s, const std::string& a, const std::string& b, int cmp,
               std::string* why) {
  auto ab = s.Compare(a, b);
  auto ba = s.Compare(b, a);
  if (!ab.ok() || !ba.ok()) {
    *why = (!ab.ok() ? ab.status() : ba.status()).ToString();
    return false;
  }
  if (Sign(*ab) != cmp || Sign(*ba) != -cmp) {
    *why = "compare(a,b)=" + std::to_string(Sign(*ab)) +
           " compare(b,a)=" + std::to_string(Sign(*ba)) + ", want " + std::to_string(cmp);
    return false;
  }
  return true;
}

// "rubygems/rubygems:test/rubygems/test_gem_version.rb (test_spaceship)" ->
// "rubygems:test_spaceship"; without a test name, the file stem.
std::string GroupOf(const nlohmann::json& src) {
  std::string s =
      src.is_array() ? (src.empty() ? "" : src[0].get<std::string>()) : src.get<std::string>();
  std::string repo = s.substr(0, s.find(':'));
  repo = repo.substr(repo.rfind('/') + 1);
  std::string test;
  if (auto open = s.find('('); open != std::string::npos) {
    test = s.substr(open + 1, s.find(')', open) - open - 1);
  } else {
    test = s.substr(s.rfind('/') + 1);
    test = test.substr(0, test.find('.'));
  }
  return repo + ":" + test;
}

using Key = std::tuple<std::string, std::string, std::string>;

// Disputed rows keyed by (ecosystem, a, b) for comparisons and (ecosystem, range, version).
std::set<Key> Disputed(const std::filesystem::path& dir, const std::string& ecosystem) {
  std::set<Key> out;
  for (const auto& row : testing::ReadJsonLines(dir / "version/disputed.jsonl")) {
    const auto& v = row.value;
    if (v.value("ecosystem", "") != ecosystem) continue;
    if (v.contains("a") && v.contains("b")) {
      out.insert({ecosystem, v["a"].get<std::string>(), v["b"].get<std::string>()});
      out.insert({ecosystem, v["b"].get<std::string>(), v["a"].get<std::string>()});
    } else if (v.contains("range") && v.contains("version")) {
      out.insert({ecosystem, v["range"].get<std::string>(), v["version"].get<std::string>()});
    }
  }
  return out;
}

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
