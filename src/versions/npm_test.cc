// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/npm.h"

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

bool CheckPair(const Scheme& s, const std::string& a, const std::string& b, int cmp) {
  auto ab = s.Compare(a, b);
  auto ba = s.Compare(b, a);
  return ab.ok() && ba.ok() && Sign(*ab) == cmp && Sign(*ba) == -cmp;
}

TEST(NpmTest, Names) {
  EXPECT_EQ(NpmScheme().Name(), "npm");
  EXPECT_EQ(SemverScheme().Name(), "semver");
}

TEST(NpmTest, Ordering) {
  const std::vector<CmpCase> cases = {
      {"1.0.0-alpha", "1.0.0-alpha.1", -1},  // SemVer 2.0 §11 example chain
      {"1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
      {"1.0.0-alpha.beta", "1.0.0-beta", -1},
      {"1.0.0-beta.2", "1.0.0-beta.11", -1},
      {"1.0.0-rc.1", "1.0.0", -1},
      {"1.2.3+build", "1.2.3+other", 0},  // build metadata is ignored
      {"1.2.3-9", "1.2.3-a", -1},         // numeric identifiers first
      {"1.2.3-R2", "1.2.3-r100", -1},     // ASCII order
      {"v1.2.3", "1.2.3", 0},
      {" = v 1.2.3 ", "1.2.3", 0},     // loose prefixes
      {"1.2.3beta", "1.2.3-beta", 0},  // loose: pre-release without "-"
      {"01.02.03", "1.2.3", 0},        // loose: leading zeros
      {"1.2.3-01", "1.2.3-1", 0},
      {"1", "1.0.0", 0},  // OSV extension: short and long cores
      {"0.0.0.1", "0.0.0", 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.a + " vs " + c.b);
    EXPECT_TRUE(CheckPair(NpmScheme(), c.a, c.b, c.cmp));
  }
  for (const char* bad :
       {"", "hello", "1.2.3.beta", "9007199254740992.0.0", "1.2.3+", "1.2.3-a..b", "V1.2.3"}) {
    EXPECT_FALSE(NpmScheme().Validate(bad).ok()) << bad;
  }
}

TEST(NpmTest, Semver) {
  const std::vector<CmpCase> cases = {
      {"v1.2.3", "1.2.3", 0},
      {"1.0.0-alpha", "1.0.0", -1},
      {"18446744073709551616.0.0", "18446744073709551615.0.0", 1},  // any size
      {"1.0.0-x.7.z.92", "1.0.0-x.7.z.93", -1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.a + " vs " + c.b);
    EXPECT_TRUE(CheckPair(SemverScheme(), c.a, c.b, c.cmp));
  }
  for (const char* bad :
       {"=1.2.3", "01.2.3", "1.2.3beta", " 1.2.3", "1.2.3-01", "1.2.3-", "1.2.3+a..b"}) {
    EXPECT_FALSE(SemverScheme().Validate(bad).ok()) << bad;
  }
}

TEST(NpmTest, StrictAndLooseParsing) {
  EXPECT_FALSE(NpmCompare("=1.2.3", "1.2.3", /*loose=*/false).ok());
  EXPECT_EQ(NpmCompare("=1.2.3", "1.2.3", /*loose=*/true).value_or(9), 0);
  EXPECT_FALSE(ParseNpmVersion("1", /*loose=*/true).ok());  // node-semver has no short forms
  auto v = ParseNpmVersion("v1.2.3-alpha.01+b.2", /*loose=*/true);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->major, "1");
  EXPECT_EQ(v->patch, "3");
  EXPECT_EQ(v->prerelease, (std::vector<std::string>{"alpha", "1"}));
  EXPECT_EQ(v->build, (std::vector<std::string>{"b", "2"}));
}

TEST(NpmTest, Ranges) {
  struct Case {
    std::string range;
    std::string version;
    bool loose;
    bool incpre;
    bool want;
  };
  const std::vector<Case> cases = {
      {"^1.2.3", "1.9.9", false, false, true},
      {"^0.2.3", "0.3.0", false, false, false},
      {"~1.2", "1.2.9", false, false, true},
      {"1.2 - 2", "2.9.0", false, false, true},  // partial upper bound widens
      {"1.2.3 - 2.3", "2.4.0", false, false, false},
      {">=1.0.0 <2.0.0 || 3.x", "3.1.0", false, false, true},
      {"^1.2.3-beta.2", "1.2.3-beta.4", false, false, true},
      {"^1.2.3-beta.2", "1.2.4-beta.4", false, false, false},  // other tuple's pre-release
      {"^1.2.3-beta.2", "1.2.4-beta.4", false, true, true},
      {"* || 1.0.0-beta", "1.0.0-beta", false, false, false},  // "*" absorbs the union
      {"", "0.0.1", false, false, true},
      {"<1.0.0 foo", "0.5.0", true, false, true},  // loose drops "foo"
      {">1.2.3+build", "1.2.4", false, false, true},
  };
  for (const auto& c : cases) {
    auto got = NpmRangeSatisfies(c.range, c.version, c.loose, c.incpre);
    ASSERT_TRUE(got.ok()) << c.range << " / " << c.version << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.want) << c.range << " / " << c.version;
  }
  EXPECT_FALSE(NpmRangeSatisfies("<1.0.0 foo", "0.5.0", false, false).ok());
  EXPECT_FALSE(NpmRangeSatisfies("x.1", "1.0.0", false, false).ok());
  EXPECT_FALSE(NpmRangeSatisfies("^1", "not a version", false, false).ok());
}

// ---------------------------------------------------------------------------------------------
// Conformance corpus.

std::set<std::string> DisputedKeys(const std::filesystem::path& dir) {
  std::set<std::string> keys;
  for (const auto& row : testing::ReadJsonLines(dir / "version/disputed.jsonl")) {
    const auto& j = row.value;
    std::string eco = j.value("ecosystem", "");
    if (j.contains("a")) keys.insert(eco + "|cmp|" + j["a"].dump() + "|" + j["b"].dump());
    if (j.contains("range")) {
      keys.insert(eco + "|range|" + j["range"].dump() + "|" + j["version"].dump());
    } else if (j.contains("version")) {
      keys.insert(eco + "|valid|" + j["version"].dump());
    }
  }
  return keys;
}

// JavaScript truthiness of an option value.
bool Truthy(const nlohmann::json& j) {
  if (j.is_null()) return false;
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number()) return j.get<double>() != 0;
  if (j.is_string()) return !j.get<std::string>().empty();
  return true;
}

bool Option(const nlohmann::json& row, const char* name) {
  if (!row.contains("options") || !row["options"].is_object()) return false;
  const auto& o = row["options"];
  return o.contains(name) && Truthy(o[name]);
}

bool Mentions(const nlohmann::json& row, const char* what) {
  return row["src"].dump().find(what) != std::string::npos;
}

// node-semver rejects numbers above 2^53-1, so no number of more than 16 digits is an npm
// version (validity.jsonl's "too big" rows).
bool HasHugeNumber(const std::string& v) {
  size_t run = 0;
  for (char c : v) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run > 16) return true;
  }
  return false;
}

TEST(NpmConformance, Comparisons) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "shared conformance corpus absent";
  auto disputed = DisputedKeys(*dir);
  testing::PassTable table("version/npm.jsonl");
  int skipped = 0;
  for (const auto& row : testing::ReadJsonLines(*dir / "version/npm.jsonl")) {
    const auto& j = row.value;
    if (disputed.count("npm|cmp|" + j["a"].dump() + "|" + j["b"].dump())) continue;
    std::string a = j["a"], b = j["b"];
    int cmp = j["cmp"];
    bool loose = Option(j, "loose");
    std::string where = "line " + std::to_string(row.line) + ": " + a + " vs " + b;

    if (Mentions(j, "node-semver")) {
      auto ab = NpmCompare(a, b, loose);
      auto ba = NpmCompare(b, a, loose);
      bool pass =
          ab.ok() && ba.ok() && *ab == cmp && *ba == -cmp && CheckPair(NpmScheme(), a, b, cmp);
      table.Add(loose ? "npm node-semver (loose)" : "npm node-semver (strict)", pass);
      EXPECT_TRUE(pass) << where;
    } else if (HasHugeNumber(a) || HasHugeNumber(b)) {
      // osv-scalibr's own semver parser takes numbers of any size; npm does not.
      ++skipped;
      EXPECT_FALSE(NpmScheme().Compare(a, b).ok()) << where;
    } else {
      bool pass = CheckPair(NpmScheme(), a, b, cmp);
      table.Add("npm osv-scalibr", pass);
      EXPECT_TRUE(pass) << where;
    }

    if (Mentions(j, "osv-scalibr")) {
      bool pass = CheckPair(SemverScheme(), a, b, cmp);
      table.Add("semver osv-scalibr", pass);
      EXPECT_TRUE(pass) << where << " (semver)";
    }
  }
  table.Print();
  std::printf(
      "npm: %d osv-scalibr-only rows skipped (numbers beyond 2^53-1, which node-semver "
      "rejects); the semver scheme checks them\n",
      skipped);
  EXPECT_EQ(table.Failed(), 0);
}

TEST(NpmConformance, Validity) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "shared conformance corpus absent";
  auto disputed = DisputedKeys(*dir);
  testing::PassTable table("version/validity.jsonl (npm)");
  for (const auto& row : testing::ReadJsonLines(*dir / "version/validity.jsonl")) {
    const auto& j = row.value;
    if (j["ecosystem"] != "npm" || disputed.count("npm|valid|" + j["version"].dump())) continue;
    std::string v = j["version"];
    bool valid = j["valid"];
    bool loose = Option(j, "loose");
    auto parsed = ParseNpmVersion(v, loose);
    bool pass = parsed.ok() == valid && NpmScheme().Validate(v).ok() == valid;
    if (pass && valid && j.contains("major")) {
      auto ids = [](const nlohmann::json& a) {
        std::vector<std::string> out;
        for (const auto& x : a) out.push_back(x.is_string() ? x.get<std::string>() : x.dump());
        return out;
      };
      pass = parsed->major == j["major"].dump() && parsed->minor == j["minor"].dump() &&
             parsed->patch == j["patch"].dump() && parsed->prerelease == ids(j["prerelease"]) &&
             parsed->build == ids(j["build"]);
    }
    table.Add(valid ? "npm valid" : "npm invalid", pass);
    EXPECT_TRUE(pass) << "line " << row.line << ": " << v;
  }
  table.Print();
  EXPECT_EQ(table.Failed(), 0);
}

TEST(NpmConformance, Ranges) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "shared conformance corpus absent";
  auto disputed = DisputedKeys(*dir);
  testing::PassTable table("version/ranges/npm_semver.jsonl");
  for (const auto& row : testing::ReadJsonLines(*dir / "version/ranges/npm_semver.jsonl")) {
    const auto& j = row.value;
    if (disputed.count("npm|range|" + j["range"].dump() + "|" + j["version"].dump())) continue;
    bool included = j["included"];
    std::string group = Mentions(j, "range-include") ? "range-include" : "range-exclude";
    bool pass;
    if (!j["version"].is_string()) {
      pass = !included;  // satisfies() is false for anything that is not a version string
    } else {
      auto got = NpmRangeSatisfies(j["range"].get<std::string>(), j["version"].get<std::string>(),
                                   Option(j, "loose"), Option(j, "includePrerelease"));
      pass = got.value_or(false) == included;
    }
    table.Add(group, pass);
    EXPECT_TRUE(pass) << "line " << row.line << ": " << j["range"] << " / " << j["version"]
                      << " options " << j["options"].dump();
  }
  table.Print();
  EXPECT_EQ(table.Failed(), 0);
}

}  // namespace
}  // namespace assay::versions
