// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/dpkg.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "base/testing/conformance.h"

namespace assay::versions {
namespace {

struct CompareCase {
  std::string a, b;
  int want;
};

TEST(DpkgTest, CompareHandPicked) {
  const std::vector<CompareCase> cases = {
      {"1.0", "1.0", 0},
      {"1.0~rc1", "1.0", -1},  // '~' sorts before the end of the string
      {"1.0~~", "1.0~", -1},   // ... and before another '~' followed by nothing
      {"1.0~~a", "1.0~~", 1},
      {"1.0", "1.0a", -1},   // the end sorts before a letter
      {"1.0a", "1.0+", -1},  // letters sort before non-letters
      {"1.0+", "1.0.", -1},  // non-letters by ASCII
      {"1.0", "1.0-0", 0},   // no revision equals revision "0"
      {"0:1.0", "1.0", 0},   // no epoch equals epoch 0
      {"1:0.1", "9.9", 1},   // the epoch wins
      {"1.01", "1.1", 0},    // numeric runs ignore leading zeros
      {"1.9", "1.10", -1},
      {"1.99999999999999999999999", "1.100000000000000000000000", -1},  // no overflow
      {"1.0-1-2", "1.0-1-10", -1},  // the revision follows the last '-'
      {"1.0-1~bpo1", "1.0-1", -1},
      {"2:1.0-1", "10:0.1", -1},  // epochs compare numerically
      {" 1.0\t", "1.0", 0},       // surrounding blanks are ignored
      {"1:2:3", "1:2:3", 0},      // a colon may follow in the upstream part
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.a + " vs " + tc.b);
    auto ab = DpkgScheme().Compare(tc.a, tc.b);
    auto ba = DpkgScheme().Compare(tc.b, tc.a);
    ASSERT_TRUE(ab.ok()) << ab.status().ToString();
    ASSERT_TRUE(ba.ok()) << ba.status().ToString();
    EXPECT_EQ(Sign(*ab), tc.want);
    EXPECT_EQ(Sign(*ba), -tc.want);
  }
}

TEST(DpkgTest, ValidityHandPicked) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"1.0", true},
      {"1:2.3-4", true},
      {"+1:1.0", true},  // strtol() accepts a sign
      {"-0:1.0", true},
      {"2147483647:1", true},
      {"1.0-1-2", true},
      {"1.0~rc1+dfsg.1-0ubuntu1~22.04", true},
      {"", false},
      {" ", false},
      {"2147483648:1", false},  // epoch beyond dpkg's int
      {"-1:1.0", false},
      {":1.0", false},
      {"a:1.0", false},
      {"1a:1.0", false},
      {"1:", false},
      {"1.0-", false},
      {"-1", false},
      {"1:-1", false},
      {"a1.0", false},  // upstream must start with a digit
      {"1.0_1", false},
      {"1.0-a_b", false},
      {"1.0-a:b", false},  // the first ':' makes "1.0-a" the epoch
      {"1.0 x", false},
      {"1.0\n", false},  // only blanks are trimmed
  };
  for (const auto& [v, valid] : cases) {
    SCOPED_TRACE("\"" + v + "\"");
    base::Status s = DpkgScheme().Validate(v);
    EXPECT_EQ(s.ok(), valid) << s.ToString();
    if (!valid) {
      EXPECT_EQ(s.code(), base::Code::kInvalidArgument);
    }
  }
}

TEST(DpkgTest, ParseSplitsLikeDpkg) {
  auto v = ParseDpkg("2:1.0-rc-3ubuntu1");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, (DpkgVersion{2, "1.0-rc", "3ubuntu1"}));
  v = ParseDpkg("1.0");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, (DpkgVersion{0, "1.0", ""}));
  EXPECT_EQ(CompareDpkg(DpkgVersion{0, "1.0", ""}, DpkgVersion{0, "1.0", "0"}), 0);
  EXPECT_EQ(CompareDpkg(DpkgVersion{1, "0", ""}, DpkgVersion{0, "9", ""}), 1);
  EXPECT_EQ(Sign(CompareDpkgFragment("~", "")), -1);
  EXPECT_EQ(DpkgScheme().Name(), "dpkg");
  auto bad = DpkgScheme().Compare("1.0", "foo");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("invalid dpkg version \"foo\""), std::string::npos);
}

std::string Key(const nlohmann::json& j) {
  std::string k = j.value("ecosystem", "");
  for (const char* f : {"a", "b", "version"}) k += "\x1f" + j.value(f, std::string("-"));
  return k;
}

// Rows of version/disputed.jsonl, keyed like Key(); compare rows in both orders.
std::set<std::string> Disputed(const std::filesystem::path& dir) {
  std::set<std::string> out;
  for (const auto& row : testing::ReadJsonLines(dir / "version/disputed.jsonl")) {
    out.insert(Key(row.value));
    if (row.value.contains("a") && row.value.contains("b")) {
      nlohmann::json swapped = row.value;
      std::swap(swapped["a"], swapped["b"]);
      out.insert(Key(swapped));
    }
  }
  return out;
}

TEST(DpkgConformanceTest, SharedCorpus) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "shared conformance corpus not found";
  const auto disputed = Disputed(*dir);
  testing::PassTable table("dpkg conformance");
  std::vector<std::string> failures;
  auto note = [&failures](const std::string& what) {
    if (failures.size() < 20) failures.push_back(what);
  };

  for (const auto& row : testing::ReadJsonLines(*dir / "version/debian.jsonl")) {
    const auto& j = row.value;
    if (disputed.count(Key(j))) continue;
    const std::string a = j.at("a"), b = j.at("b");
    const int want = j.at("cmp");
    auto ab = DpkgScheme().Compare(a, b);
    auto ba = DpkgScheme().Compare(b, a);
    bool pass = ab.ok() && ba.ok() && Sign(*ab) == want && Sign(*ba) == -want;
    table.Add("debian.jsonl", pass);
    if (!pass) {
      note("debian.jsonl:" + std::to_string(row.line) + " " + a + " vs " + b + " want " +
           std::to_string(want) + " got " +
           (ab.ok() ? std::to_string(*ab) : ab.status().ToString()));
    }
  }
  for (const auto& row : testing::ReadJsonLines(*dir / "version/validity.jsonl")) {
    const auto& j = row.value;
    if (j.value("ecosystem", "") != "Debian" || disputed.count(Key(j))) continue;
    const std::string v = j.at("version");
    const bool want = j.at("valid");
    base::Status s = DpkgScheme().Validate(v);
    table.Add("validity.jsonl Debian", s.ok() == want);
    if (s.ok() != want) note("validity.jsonl:" + std::to_string(row.line) + " \"" + v + "\"");
  }

  table.Print();
  for (const auto& f : failures) std::printf("  FAIL %s\n", f.c_str());
  EXPECT_EQ(table.Failed(), 0);
}

}  // namespace
}  // namespace assay::versions
