// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/apk.h"

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

TEST(ApkTest, CompareHandPicked) {
  const std::vector<CompareCase> cases = {
      {"1.0", "1.0", 0},
      {"1.0", "1.0.1", -1},
      {"1.9", "1.10", -1},
      {"1.01", "1.1", -1},  // leading zero: compared as text
      {"8.2.0", "8.2.001", -1},
      {"8.2.0015", "8.2.002", -1},
      {"006", "1.0.0", 1},     // ... but not in the first number
      {"1.0_rc1", "1.0", -1},  // pre-release suffixes sort before the release
      {"1.0_alpha", "1.0_beta", -1},
      {"1.0_p1", "1.0", 1},  // post-release suffixes after it
      {"1.0_cvs", "1.0_p", -1},
      {"1.0_alpha_pre2", "1.0_alpha", -1},
      {"1.0a", "1.0", 1},
      {"1.0a", "1.0b", -1},
      {"1.0", "1.0-r0", -1},
      {"1.0-r9", "1.0-r10", -1},
      {"1.0~1234", "1.0~2345", -1},
      {"1.0~1234-r1", "1.0~1234-r0", 1},
      {"1.99999999999999999999999", "1.100000000000000000000000", -1},  // no overflow
      // Invalid for apk, ordered anyway (see apk.h).
      {"1.0", "1.0bc", -1},
      {"23_foo", "4_beta", 1},
      {"a", "b", -1},
      {"1-r", "1-r0", 0},
      {"6.6.2p1", "6.6.2p2", -1},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.a + " vs " + tc.b);
    auto ab = ApkScheme().Compare(tc.a, tc.b);
    auto ba = ApkScheme().Compare(tc.b, tc.a);
    ASSERT_TRUE(ab.ok()) << ab.status().ToString();
    ASSERT_TRUE(ba.ok()) << ba.status().ToString();
    EXPECT_EQ(Sign(*ab), tc.want);
    EXPECT_EQ(Sign(*ba), -tc.want);
  }
  EXPECT_FALSE(ApkScheme().Compare("", "1.0").ok());
  EXPECT_FALSE(ApkScheme().Compare("1.0", "").ok());
  EXPECT_EQ(ApkScheme().Name(), "apk");
}

TEST(ApkTest, ValidityHandPicked) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"1", true},
      {"1.2.3a_rc1_p2~cafe-r10", true},
      {"0.1_git20240101_pre1", true},
      {"", false},
      {"1.2.3A", false},  // upper-case letter
      {"1.0ab", false},   // one letter at most
      {"1.0a1", false},
      {"1.0_", false},
      {"1.0_foo", false},
      {"1.0~", false},
      {"1.0~CAFE", false},  // the hash is lower-case hex
      {"1.0-r", false},
      {"1.0-r1_p1", false},
      {"1.0-1", false},
      {"1..0", false},
      {"v1.0", false},
  };
  for (const auto& [v, valid] : cases) {
    SCOPED_TRACE("\"" + v + "\"");
    base::Status s = ApkScheme().Validate(v);
    EXPECT_EQ(s.ok(), valid) << s.ToString();
    if (!valid) {
      EXPECT_EQ(s.code(), base::Code::kInvalidArgument);
    }
  }
}

TEST(ApkTest, SatisfiesHandPicked) {
  struct Case {
    std::string version, op, other;
    bool want;
  };
  const std::vector<Case> cases = {
      {"3.6.9", "~", "3.6", true}, {"3.6_pre1", "~", "3.6", true},
      {"3.6", "~", "3.6", true},   {"3.8", "~", "3.8.1", false},
      {"3.60", "~", "3.6", false},  // tokens, not characters
      {"3.5", "<~", "3.6", true},  {"3.6.1", "<~", "3.6", true},
      {"3.7", "<~", "3.6", false}, {"1.0", "<", "1.1", true},
      {"1.1", "<=", "1.1", true},  {"1.1", "=", "1.1", true},
      {"1.2", ">=", "1.1", true},  {"1.2", ">", "1.2", false},
      {"1.0", "><", "1.1", true},  // less or greater
      {"1.0", "<>=~", "9", true},  // every bit: anything goes
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.version + " " + tc.op + " " + tc.other);
    auto r = ApkSatisfies(tc.version, tc.op, tc.other);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, tc.want);
  }
  EXPECT_FALSE(ApkSatisfies("1.0", "", "1.0").ok());
  EXPECT_FALSE(ApkSatisfies("1.0", "!=", "1.0").ok());
  EXPECT_FALSE(ApkSatisfies("", "=", "1.0").ok());
}

std::string Key(const nlohmann::json& j) {
  std::string k = j.value("ecosystem", "");
  for (const char* f : {"a", "b", "version", "op", "other"}) {
    k += "\x1f" + j.value(f, std::string("-"));
  }
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

TEST(ApkConformanceTest, SharedCorpus) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "shared conformance corpus not found";
  const auto disputed = Disputed(*dir);
  testing::PassTable table("apk conformance");
  std::vector<std::string> failures;
  auto note = [&failures](const std::string& what) {
    if (failures.size() < 20) failures.push_back(what);
  };

  for (const auto& row : testing::ReadJsonLines(*dir / "version/alpine.jsonl")) {
    const auto& j = row.value;
    if (disputed.count(Key(j))) continue;
    const std::string a = j.at("a"), b = j.at("b");
    const int want = j.at("cmp");
    auto ab = ApkScheme().Compare(a, b);
    auto ba = ApkScheme().Compare(b, a);
    bool pass = ab.ok() && ba.ok() && Sign(*ab) == want && Sign(*ba) == -want;
    table.Add("alpine.jsonl", pass);
    if (!pass) {
      note("alpine.jsonl:" + std::to_string(row.line) + " " + a + " vs " + b + " want " +
           std::to_string(want) + " got " +
           (ab.ok() ? std::to_string(*ab) : ab.status().ToString()));
    }
  }
  for (const auto& row : testing::ReadJsonLines(*dir / "version/validity.jsonl")) {
    const auto& j = row.value;
    if (j.value("ecosystem", "") != "Alpine" || disputed.count(Key(j))) continue;
    const std::string v = j.at("version");
    const bool want = j.at("valid");
    base::Status s = ApkScheme().Validate(v);
    table.Add("validity.jsonl Alpine", s.ok() == want);
    if (s.ok() != want) note("validity.jsonl:" + std::to_string(row.line) + " \"" + v + "\"");
  }
  for (const auto& row : testing::ReadJsonLines(*dir / "version/ranges/alpine_fuzzy.jsonl")) {
    const auto& j = row.value;
    if (disputed.count(Key(j))) continue;
    const std::string v = j.at("version"), op = j.at("op"), other = j.at("other");
    const bool want = j.at("result");
    auto got = ApkSatisfies(v, op, other);
    bool pass = got.ok() && *got == want;
    table.Add("ranges/alpine_fuzzy.jsonl", pass);
    if (!pass)
      note("alpine_fuzzy.jsonl:" + std::to_string(row.line) + " " + v + " " + op + " " + other);
  }

  table.Print();
  for (const auto& f : failures) std::printf("  FAIL %s\n", f.c_str());
  EXPECT_EQ(table.Failed(), 0);
}

}  // namespace
}  // namespace assay::versions
