// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/go.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "base/testing/conformance.h"

namespace assay::versions {
namespace {

struct CmpCase {
  std::string a;
  std::string b;
  int cmp;
};

bool CheckPair(const std::string& a, const std::string& b, int cmp) {
  auto ab = GoScheme().Compare(a, b);
  auto ba = GoScheme().Compare(b, a);
  return ab.ok() && ba.ok() && Sign(*ab) == cmp && Sign(*ba) == -cmp;
}

std::string WithoutV(const std::string& v) { return v.starts_with('v') ? v.substr(1) : v; }

TEST(GoTest, Name) { EXPECT_EQ(GoScheme().Name(), "go"); }

TEST(GoTest, Ordering) {
  const std::vector<CmpCase> cases = {
      {"v1", "v1.0.0", 0},
      {"v1.2", "v1.2.0", 0},
      {"1.2.3", "v1.2.3", 0},                                // OSV writes Go versions without "v"
      {"v2.0.0+incompatible", "v2.0.0", 0},                  // build metadata is ignored
      {"v0.0.0-20191109021931-daa7c04131f5", "v0.0.0", -1},  // pseudo-versions are pre-releases
      {"v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200101000000-000000000000", -1},
      {"v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3", 1},
      {"v1.0.0-beta.2", "v1.0.0-beta.11", -1},
      {"v1.0.0-alpha", "v1.0.0-alpha.1", -1},
      {"v123456789012345678901234567890.0.0", "v9.0.0", 1},  // any size
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.a + " vs " + c.b);
    EXPECT_TRUE(CheckPair(c.a, c.b, c.cmp));
  }
  for (const char* bad : {"", "v", "v1.2-pre", "v1+meta", "v01.2.3", "v1.2.3-01", "v1.2.3.4",
                          "V1.2.3", "v1.2.3-", "v1.2.3+", " v1.2.3", "vv1.2.3"}) {
    EXPECT_FALSE(GoScheme().Validate(bad).ok()) << bad;
  }
  EXPECT_EQ(GoCanonical("1.2").value_or(""), "v1.2.0");
  EXPECT_EQ(GoCanonical("v1.2.3-pre+meta").value_or(""), "v1.2.3-pre");
}

std::set<std::string> DisputedKeys(const std::filesystem::path& dir) {
  std::set<std::string> keys;
  for (const auto& row : testing::ReadJsonLines(dir / "version/disputed.jsonl")) {
    const auto& j = row.value;
    std::string eco = j.value("ecosystem", "");
    if (j.contains("a")) keys.insert(eco + "|cmp|" + j["a"].dump() + "|" + j["b"].dump());
    if (!j.contains("a") && !j.contains("range") && j.contains("version")) {
      keys.insert(eco + "|valid|" + j["version"].dump());
    }
  }
  return keys;
}

TEST(GoConformance, Comparisons) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "shared conformance corpus absent";
  auto disputed = DisputedKeys(*dir);
  testing::PassTable table("version/go.jsonl");
  for (const auto& row : testing::ReadJsonLines(*dir / "version/go.jsonl")) {
    const auto& j = row.value;
    if (disputed.count("Go|cmp|" + j["a"].dump() + "|" + j["b"].dump())) continue;
    std::string a = j["a"], b = j["b"];
    int cmp = j["cmp"];
    bool with_v = CheckPair(a, b, cmp);
    table.Add("go (with v)", with_v);
    EXPECT_TRUE(with_v) << "line " << row.line << ": " << a << " vs " << b;
    // The same pair as OSV writes it.
    bool without_v = CheckPair(WithoutV(a), WithoutV(b), cmp);
    table.Add("go (without v, OSV)", without_v);
    EXPECT_TRUE(without_v) << "line " << row.line << ": " << a << " vs " << b << " without v";
  }
  table.Print();
  EXPECT_EQ(table.Failed(), 0);
}

TEST(GoConformance, Validity) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "shared conformance corpus absent";
  auto disputed = DisputedKeys(*dir);
  testing::PassTable table("version/validity.jsonl (Go)");
  for (const auto& row : testing::ReadJsonLines(*dir / "version/validity.jsonl")) {
    const auto& j = row.value;
    if (j["ecosystem"] != "Go" || disputed.count("Go|valid|" + j["version"].dump())) continue;
    std::string v = j["version"];
    bool valid = j["valid"];
    auto canonical = GoCanonical(v);
    bool pass = GoScheme().Validate(v).ok() == valid && canonical.ok() == valid;
    if (pass && valid && j.contains("canonical")) pass = *canonical == j["canonical"];
    table.Add(valid ? "go valid" : "go invalid", pass);
    EXPECT_TRUE(pass) << "line " << row.line << ": " << v;
  }
  table.Print();
  EXPECT_EQ(table.Failed(), 0);
}

}  // namespace
}  // namespace assay::versions
