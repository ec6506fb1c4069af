// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/rpm.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/testing/conformance.h"

namespace assay::versions {
namespace {

struct CompareCase {
  std::string a, b;
  int want;
};

TEST(RpmTest, RpmVerCmpHandPicked) {
  using namespace std::string_literals;
  const std::vector<CompareCase> cases = {
      {"1.0", "1.0", 0},
      {"1.0", "2.0", -1},
      {"1.0~rc1", "1.0", -1},  // '~' sorts before the end
      {"1.0~rc1", "1.0~rc2", -1},
      {"1.0^", "1.0", 1},         // '^' sorts after the end ...
      {"1.0^git1", "1.0.1", -1},  // ... but before any further run
      {"1.0~rc1^git1", "1.0~rc1", 1},
      {"", "", 0},
      {"", "1", -1},
      {"", "~", 1},
      {"a", "1", -1},     // a digit run beats a letter run
      {"1.0", "1_0", 0},  // separators have no weight
      {"1.", "1", 0},
      {"10.0001", "10.1", 0},
      {"1-2-3", "1-2-4", -1},       // no release splitting
      {"1.1.\u03b1", "1.1.a", -1},  // non-ASCII bytes are separators
      {"99999999999999999999999", "100000000000000000000000", -1},
      {"1.0\0zzz"s, "1.0", 0},  // rpm reads C strings
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.a + " vs " + tc.b);
    EXPECT_EQ(RpmVerCmp(tc.a, tc.b), tc.want);
    EXPECT_EQ(RpmVerCmp(tc.b, tc.a), -tc.want);
  }
}

TEST(RpmTest, EvrHandPicked) {
  const std::vector<CompareCase> cases = {
      {"1:1.0", "2.0", 1},
      {"0:1.0-1", "1.0-1", 0},  // a missing epoch is 0
      {":1.0", "0:1.0", 0},     // so is an empty one
      {"01:2", "1:2", 0},
      {"1.0", "1.0-1", -1},  // a missing release sorts first ...
      {"1.0", "1.0-", -1},   // ... even before an empty one
      {"1.0-1.el8", "1.0-1.el8_1", -1},
      {"1.0-2-3", "1.0-2-10", -1},  // the release follows the last '-'
      {"a:1", "b:1", -1},           // not an epoch: part of the version
      {"3", "1:2", -1},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.a + " vs " + tc.b);
    auto ab = RpmScheme().Compare(tc.a, tc.b);
    auto ba = RpmScheme().Compare(tc.b, tc.a);
    ASSERT_TRUE(ab.ok()) << ab.status().ToString();
    ASSERT_TRUE(ba.ok()) << ba.status().ToString();
    EXPECT_EQ(Sign(*ab), tc.want);
    EXPECT_EQ(Sign(*ba), -tc.want);
  }
}

TEST(RpmTest, ParseAndValidity) {
  using namespace std::string_literals;
  auto v = ParseRpmEvr("2:1.0-3.el8");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, (RpmEvr{"2", "1.0", "3.el8"}));
  v = ParseRpmEvr("a:1");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, (RpmEvr{"", "a:1", std::nullopt}));
  v = ParseRpmEvr("1-2-3");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, (RpmEvr{"", "1-2", "3"}));
  EXPECT_EQ(CompareRpmEvr(RpmEvr{"", "1.0", std::nullopt}, RpmEvr{"0", "1.0", ""}), -1);

  for (const std::string& bad : {""s, "1:"s, "-1"s, "1:-1"s, "1.0\0"s}) {
    SCOPED_TRACE("\"" + bad + "\"");
    base::Status s = RpmScheme().Validate(bad);
    EXPECT_EQ(s.code(), base::Code::kInvalidArgument) << s.ToString();
    EXPECT_FALSE(RpmScheme().Compare(bad, "1.0").ok());
  }
  for (const std::string& good : {"1.0"s, "1.0-"s, "+2-:1"s, "1.1.\u03b1"s, "~"s}) {
    SCOPED_TRACE("\"" + good + "\"");
    EXPECT_TRUE(RpmScheme().Validate(good).ok());
  }
  EXPECT_EQ(RpmScheme().Name(), "rpm");
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

TEST(RpmConformanceTest, SharedCorpus) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "shared conformance corpus not found";
  const auto disputed = Disputed(*dir);
  testing::PassTable table("rpm conformance");
  std::vector<std::string> failures;

  for (const auto& row : testing::ReadJsonLines(*dir / "version/rpm.jsonl")) {
    const auto& j = row.value;
    if (disputed.count(Key(j))) continue;
    const std::string a = j.at("a"), b = j.at("b"), mode = j.at("mode");
    const int want = j.at("cmp");
    bool pass;
    std::string got;
    if (mode == "rpmvercmp") {
      int ab = RpmVerCmp(a, b), ba = RpmVerCmp(b, a);
      pass = ab == want && ba == -want;
      got = std::to_string(ab) + "/" + std::to_string(ba);
    } else {
      auto ab = RpmScheme().Compare(a, b);
      auto ba = RpmScheme().Compare(b, a);
      pass = ab.ok() && ba.ok() && Sign(*ab) == want && Sign(*ba) == -want;
      got = ab.ok() && ba.ok() ? std::to_string(*ab) + "/" + std::to_string(*ba)
                               : (ab.ok() ? ba : ab).status().ToString();
    }
    table.Add("rpm.jsonl " + mode, pass);
    if (!pass && failures.size() < 20) {
      failures.push_back("rpm.jsonl:" + std::to_string(row.line) + " [" + mode + "] " + a + " vs " +
                         b + " want " + std::to_string(want) + " got " + got);
    }
  }

  table.Print();
  for (const auto& f : failures) std::printf("  FAIL %s\n", f.c_str());
  EXPECT_EQ(table.Failed(), 0);
}

}  // namespace
}  // namespace assay::versions
