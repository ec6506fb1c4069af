// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/pep440.h"

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

// Checks compare(a, b) == cmp and compare(b, a) == -cmp.
bool CheckPair(const Scheme& s, const std::string& a, const std::string& b, int cmp) {
  auto ab = s.Compare(a, b);
  auto ba = s.Compare(b, a);
  return ab.ok() && ba.ok() && Sign(*ab) == cmp && Sign(*ba) == -cmp;
}

TEST(Pep440Test, Name) { EXPECT_EQ(Pep440Scheme().Name(), "pep440"); }

TEST(Pep440Test, Ordering) {
  const std::vector<CmpCase> cases = {
      {"1.0.dev456", "1.0a1", -1},    // dev of the final sorts before its pre-releases
      {"1.0a1", "1.0a2.dev456", -1},  // ...but a dev of a pre-release after earlier ones
      {"1.0a12.dev456", "1.0a12", -1},
      {"1.0b1.dev456", "1.0b2", -1},
      {"1.0rc1", "1.0", -1},
      {"1.0", "1.0+abc.5", -1},    // local versions follow the public one
      {"1.0+abc.7", "1.0+5", -1},  // numeric local parts sort after alphanumeric
      {"1.0+5", "1.0.post456.dev34", -1},
      {"1.0.post456.dev34", "1.0.post456", -1},
      {"1.0", "1.0.0.0", 0},      // trailing zeros do not count
      {"1!0.1", "2.0", 1},        // epochs dominate
      {"1.0-1", "1.0.post1", 0},  // implicit post release
      {"1.0c1", "1.0rc1", 0},
      {"1.0-preview-2", "1.0rc2", 0},
      {"v1.0", "1.0", 0},
      {"1.0+AbC", "1.0+abc", 0},
      {"1.0+1.00", "1.0+1-0", 0},
      {"  1.0\t\n", "1.0", 0},
      {std::string("\xe2\x80\xaf") + "1.0\xe2\x80\xa9", "1.0", 0},  // U+202F, U+2029
      {"18446744073709551616", "18446744073709551615", 1},          // no integer overflow
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.a + " vs " + c.b);
    EXPECT_TRUE(CheckPair(Pep440Scheme(), c.a, c.b, c.cmp));
  }
}

TEST(Pep440Test, Validity) {
  for (const char* v :
       {"1.0", "1!2.0.post3.dev4+local.5", "1.0a", "1.0a.", "1.0-r", "v1", "1.0.DEV", "1.0-1"}) {
    EXPECT_TRUE(Pep440Scheme().Validate(v).ok()) << v;
  }
  for (const char* v : {"", "1.0.", "a1.0", "1.0+", "1.0+a..b", "1 .0", "1.0-", "1!", "v",
                        "1.0-dev-1-1", "1.0_a-1.2"}) {
    EXPECT_FALSE(Pep440Scheme().Validate(v).ok()) << v;
  }
  auto r = Pep440Scheme().Compare("1.0", "french toast");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
}

TEST(Pep440Test, Normalize) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"V1.0-RC-1", "1.0rc1"},       {"1.0-r5", "1.0.post5"},
      {"0!1.0+AbC", "1.0+abc"},      {"1.0.alpha", "1.0a0"},
      {"2!01.02_dev", "2!1.2.dev0"}, {"1.0+ubuntu-1", "1.0+ubuntu.1"},
      {"1.0-1", "1.0.post1"},        {"1.0.0", "1.0.0"},
  };
  for (const auto& [in, want] : cases) {
    auto got = Pep440Normalize(in);
    ASSERT_TRUE(got.ok()) << in;
    EXPECT_EQ(*got, want) << in;
  }
}

TEST(Pep440Test, Legacy) {
  EXPECT_EQ(ComparePypiWithLegacy("1.0", "1.0.0"), 0);
  EXPECT_EQ(ComparePypiWithLegacy("french toast", "0.0.1"), -1);  // legacy sorts first
  EXPECT_EQ(ComparePypiWithLegacy("0.0.1", "french toast"), 1);
  EXPECT_EQ(ComparePypiWithLegacy("0.3m1", "0.3m2"), -1);
  EXPECT_EQ(ComparePypiWithLegacy("2013-09-11T19-27-10", "2013-12-23T17-51-15"), -1);
}

TEST(Pep440Test, Specifiers) {
  struct Case {
    std::string spec;
    std::string version;
    bool want;
  };
  const std::vector<Case> cases = {
      {"", "1.0", true},
      {">=1.0,<2.0", "1.5", true},
      {">=1.0, <2.0", "2.0", false},
      {"<2.0", "2.0rc1", false},  // exclusive ordering skips the operand's pre-releases
      {"<2.0rc2", "2.0rc1", true},
      {">2.0", "2.0.post1", false},  // ...and its post-releases
      {">2.0", "2.0+local", false},  // ...and its local versions
      {"==1.2.*", "1.2.3rc1", true},
      {"==1.2.*", "1.20", false},
      {"==1.2.0.*", "1.2", true},  // zero padding
      {"!=1.2.*", "1.3", true},
      {"~=2.2", "2.9", true},
      {"~=2.2", "3.0", false},
      {"~=2.2.post3", "2.3", true},  // the suffix is ignored for the prefix
      {"~=1.4.5.0", "1.4.6", false},
      {"==1.0", "1.0+anything", true},
      {"==1.0+a", "1.0+b", false},
      {"===1.0", "1.0", true},
      {"===1.0", "1.0.0", false},
      {"===foobar", "FooBar", true},  // arbitrary equality needs no PEP 440 version
      {" >= 1.0 ", "1.0", true},
  };
  for (const auto& c : cases) {
    auto got = Pep440SpecifierContains(c.spec, c.version);
    ASSERT_TRUE(got.ok()) << c.spec << " " << c.version << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.want) << c.spec << " contains " << c.version;
  }
  for (const char* bad : {"1.0", "=>1.0", "~=1", "<=1.0+local", ">1.0.*", "==1.0a1.*",
                          "==", ">=1.0,,<", "~=1.0.*", "== 1. 0"}) {
    EXPECT_FALSE(Pep440SpecifierContains(bad, "1.0").ok()) << bad;
  }
  EXPECT_FALSE(Pep440SpecifierContains(">=1.0", "not a version").ok());
}

// ---------------------------------------------------------------------------------------------
// Conformance corpus.

// Keys of rows in version/disputed.jsonl, which stay out of every check.
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

bool FromPackaging(const nlohmann::json& row) {
  return row["src"].dump().find("pypa/packaging") != std::string::npos;
}

TEST(Pep440Conformance, Comparisons) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "shared conformance corpus absent";
  auto disputed = DisputedKeys(*dir);
  testing::PassTable table("version/pypi.jsonl (pep440)");
  for (const auto& row : testing::ReadJsonLines(*dir / "version/pypi.jsonl")) {
    const auto& j = row.value;
    if (disputed.count("PyPI|cmp|" + j["a"].dump() + "|" + j["b"].dump())) continue;
    std::string a = j["a"], b = j["b"];
    int cmp = j["cmp"];
    bool valid = Pep440Scheme().Validate(a).ok() && Pep440Scheme().Validate(b).ok();
    bool legacy_ok = ComparePypiWithLegacy(a, b) == cmp && ComparePypiWithLegacy(b, a) == -cmp;
    bool pass;
    std::string group;
    if (valid) {
      group = FromPackaging(j) ? "packaging" : "osv-scalibr";
      pass = CheckPair(Pep440Scheme(), a, b, cmp) && legacy_ok;
    } else {
      // Versions that are not PEP 440 at all (osv-scalibr's generated data from real PyPI
      // history): the scheme must reject them, and the legacy order must place them.
      group = "osv-scalibr non-PEP 440";
      pass = !FromPackaging(j) && legacy_ok;
    }
    table.Add(group, pass);
    EXPECT_TRUE(pass) << "line " << row.line << ": " << a << " vs " << b << " want " << cmp;
  }
  table.Print();
  EXPECT_EQ(table.Failed(), 0);
}

TEST(Pep440Conformance, Validity) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "shared conformance corpus absent";
  auto disputed = DisputedKeys(*dir);
  testing::PassTable table("version/validity.jsonl (PyPI)");
  for (const auto& row : testing::ReadJsonLines(*dir / "version/validity.jsonl")) {
    const auto& j = row.value;
    if (j["ecosystem"] != "PyPI" || disputed.count("PyPI|valid|" + j["version"].dump())) continue;
    std::string v = j["version"];
    bool pass = Pep440Scheme().Validate(v).ok() == j["valid"].get<bool>();
    table.Add("PyPI", pass);
    EXPECT_TRUE(pass) << "line " << row.line << ": " << v;
  }
  table.Print();
  EXPECT_EQ(table.Failed(), 0);
}

TEST(Pep440Conformance, Specifiers) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "shared conformance corpus absent";
  auto disputed = DisputedKeys(*dir);
  testing::PassTable table("version/ranges/pypi_specifiers.jsonl");
  for (const auto& row : testing::ReadJsonLines(*dir / "version/ranges/pypi_specifiers.jsonl")) {
    const auto& j = row.value;
    if (disputed.count("PyPI|range|" + j["range"].dump() + "|" + j["version"].dump())) continue;
    ASSERT_TRUE(j["prereleases"].get<bool>()) << "only prereleases=True rows are expected";
    std::string spec = j["range"], v = j["version"];
    auto got = Pep440SpecifierContains(spec, v);
    bool pass = got.ok() && *got == j["included"].get<bool>();
    table.Add(j["included"].get<bool>() ? "included" : "excluded", pass);
    EXPECT_TRUE(pass) << "line " << row.line << ": " << spec << " contains " << v << " -> "
                      << (got.ok() ? (*got ? "true" : "false") : got.status().ToString());
  }
  table.Print();
  EXPECT_EQ(table.Failed(), 0);
}

}  // namespace
}  // namespace assay::versions
