// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The matcher's rules (DESIGN.md §5), one table row each.
#include "match/matcher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/strings.h"
#include "match/test_util.h"

namespace assay::match {
namespace {

using advisories::AffectedEntry;
using advisories::LookupScope;
using namespace testing;  // NOLINT: test builders

// A match as one line: "<headline> fix=<fixed> [related=a,b]".
std::string Render(const PackageMatch& m, bool with_related) {
  std::string s = m.vulnerability_id + " fix=" + m.fixed_version;
  if (with_related) s += " related=" + base::Join(m.related_ids, ",");
  return s;
}

struct MatchCase {
  std::string name;
  model::Package pkg;
  model::OsInfo os;
  std::vector<AffectedEntry> entries;
  std::vector<std::string> want;  // Render() of each match, in order
  std::string want_warning = "";  // a substring of the only warning; "" = no warning
  bool with_related = false;
};

const Adv kDsa{"DSA-1", {}, {"CVE-2024-0001"}};
const Adv kDsa2{"DSA-2", {}, {"CVE-2024-0002", "CVE-2024-0003"}};

std::vector<MatchCase> Cases() {
  return {
      // ---- source packages (Debian / Ubuntu / Alpine) ----
      {"debian binary matched by its source name",
       Pkg("Debian:11", "libssl1.1", "1.1.1n-0+deb11u3", "openssl"),
       Os("Debian:11"),
       {Fix(kDsa, "Debian:11", "openssl", "1.1.1n-0+deb11u4")},
       {"DSA-1 fix=1.1.1n-0+deb11u4"}},
      {"debian advisory naming the binary package does not match",
       Pkg("Debian:11", "libssl1.1", "1.1.1n-0+deb11u3", "openssl"),
       Os("Debian:11"),
       {Fix(kDsa, "Debian:11", "libssl1.1", "1.1.1n-0+deb11u4")},
       {}},
      {"debian package without Source: matches by its own name",
       Pkg("Debian:11", "openssl", "1.1.1n-0+deb11u3"),
       Os("Debian:11"),
       {Fix(kDsa, "Debian:11", "openssl", "1.1.1n-0+deb11u4")},
       {"DSA-1 fix=1.1.1n-0+deb11u4"}},
      {"source version compared, not the binary version (binary has an epoch)",
       Pkg("Debian:8", "libgcc1", "1:4.9.2-10", "gcc-4.9", "4.9.2-10"),
       Os("Debian:8"),
       {Fix(kDsa, "Debian:8", "gcc-4.9", "4.9.2-10+deb8u1")},
       {"DSA-1 fix=4.9.2-10+deb8u1"}},
      {"source version used when Source: names the package itself (binNMU binary)",
       Pkg("Debian:11", "util-linux", "2.36.1-8+b1", "", "2.36.1-8"),
       Os("Debian:11"),
       {Fix(kDsa, "Debian:11", "util-linux", "2.36.1-8+deb11u1")},
       {"DSA-1 fix=2.36.1-8+deb11u1"}},
      {"binary version when Source: has no version",
       Pkg("Debian:11", "libssl1.1", "1.1.1n-0+deb11u5", "openssl"),
       Os("Debian:11"),
       {Fix(kDsa, "Debian:11", "openssl", "1.1.1n-0+deb11u4")},
       {}},
      {"alpine package matched by its origin",
       Pkg("Alpine:v3.4", "libcrypto1.0", "1.0.2h-r0", "openssl"),
       Os("Alpine:v3.4"),
       {Fix({"ALPINE-CVE-2016-2177"}, "Alpine:v3.4", "openssl", "1.0.2h-r1")},
       {"CVE-2016-2177 fix=1.0.2h-r1"}},

      // ---- release isolation ----
      {"Debian:11 package ignores Debian:12 advisories",
       Pkg("Debian:11", "openssl", "1.1.1n-0+deb11u3"),
       Os("Debian:11"),
       {Fix(kDsa, "Debian:12", "openssl", "3.0.9-1")},
       {}},
      {"Debian:12 package ignores Debian:11 advisories but takes its own",
       Pkg("Debian:12", "openssl", "3.0.8-1"),
       Os("Debian:12"),
       {Fix(kDsa, "Debian:11", "openssl", "1.1.1n-0+deb11u4"),
        Fix(kDsa2, "Debian:12", "openssl", "3.0.9-1")},
       {"DSA-2 fix=3.0.9-1"}},
      {"OS package ignores language advisories of the same name",
       Pkg("Debian:12", "jinja2", "2.11.3-1"),
       Os("Debian:12"),
       {Fix({"PYSEC-1"}, "PyPI", "jinja2", "3.0.0")},
       {}},
      {"language package ignores OS advisories",
       Pkg("PyPI", "jinja2", "2.11.3"),
       Os("Debian:12"),
       {Fix(kDsa, "Debian:12", "jinja2", "3.0.0"), Fix({"PYSEC-1"}, "PyPI", "jinja2", "3.0.0")},
       {"PYSEC-1 fix=3.0.0"}},
      {"PyPI names compared as PEP 503 normalises them",
       Pkg("PyPI", "Zope.Interface", "4.0"),
       Os(""),
       {Fix({"PYSEC-2"}, "PyPI", "zope-interface", "5.0")},
       {"PYSEC-2 fix=5.0"}},
      {"OS package of an unknown release: warning, no findings",
       Pkg("Debian", "openssl", "1.1.1n-0+deb11u3"),
       Os(""),
       {Fix(kDsa, "Debian:11", "openssl", "1.1.1n-0+deb11u4")},
       {},
       "names no release"},

      // ---- Ubuntu Pro ----
      {"Ubuntu Pro advisory ignored without Ubuntu Pro",
       Pkg("Ubuntu:14.04:LTS", "libssl1.0.0", "1.0.1f-1ubuntu2.27", "openssl"),
       Os("Ubuntu:14.04:LTS"),
       {Fix({"UBUNTU-CVE-2020-1967"}, "Ubuntu:Pro:14.04:LTS", "openssl",
            "1.0.1f-1ubuntu2.27+esm1")},
       {}},
      {"Ubuntu Pro advisory applies with Ubuntu Pro",
       Pkg("Ubuntu:14.04:LTS", "libssl1.0.0", "1.0.1f-1ubuntu2.27", "openssl"),
       Os("Ubuntu:14.04:LTS", /*ubuntu_pro=*/true),
       {Fix({"UBUNTU-CVE-2020-1967"}, "Ubuntu:Pro:14.04:LTS", "openssl",
            "1.0.1f-1ubuntu2.27+esm1")},
       {"CVE-2020-1967 fix=1.0.1f-1ubuntu2.27+esm1"}},
      {"Ubuntu Pro: the regular record is unfixed, the Pro one fixes",
       Pkg("Ubuntu:14.04:LTS", "openssl", "1.0.1f-1ubuntu2.27"),
       Os("Ubuntu:14.04:LTS", /*ubuntu_pro=*/true),
       {Fix({"UBUNTU-CVE-2020-1967"}, "Ubuntu:14.04:LTS", "openssl", ""),
        Fix({"UBUNTU-CVE-2020-1967"}, "Ubuntu:Pro:14.04:LTS", "openssl",
            "1.0.1f-1ubuntu2.27+esm1")},
       {"CVE-2020-1967 fix=1.0.1f-1ubuntu2.27+esm1"}},
      {"+esm fix in the regular ecosystem without Ubuntu Pro: affected, no installable fix",
       Pkg("Ubuntu:16.04:LTS", "openssl", "1.0.2g-1ubuntu4.20"),
       Os("Ubuntu:16.04:LTS"),
       {Fix({"UBUNTU-CVE-2022-1292"}, "Ubuntu:16.04:LTS", "openssl", "1.0.2g-1ubuntu4.20+esm1")},
       {"CVE-2022-1292 fix="}},
      {"+esm fix with Ubuntu Pro is a fix",
       Pkg("Ubuntu:16.04:LTS", "openssl", "1.0.2g-1ubuntu4.20"),
       Os("Ubuntu:16.04:LTS", /*ubuntu_pro=*/true),
       {Fix({"UBUNTU-CVE-2022-1292"}, "Ubuntu:16.04:LTS", "openssl", "1.0.2g-1ubuntu4.20+esm1")},
       {"CVE-2022-1292 fix=1.0.2g-1ubuntu4.20+esm1"}},
      {"Ubuntu Pro of another release never applies",
       Pkg("Ubuntu:16.04:LTS", "openssl", "1.0.2g-1ubuntu4"),
       Os("Ubuntu:16.04:LTS", /*ubuntu_pro=*/true),
       {Fix({"UBUNTU-CVE-2020-1967"}, "Ubuntu:Pro:14.04:LTS", "openssl", "1.0.2g-1ubuntu4+esm1")},
       {}},

      // ---- withdrawn, unfixed, last_affected ----
      {"withdrawn advisory ignored",
       Pkg("Debian:11", "openssl", "1.1.1n-0+deb11u3"),
       Os("Debian:11"),
       {Fix({"DSA-9", {}, {}, "2024-02-01T00:00:00Z"}, "Debian:11", "openssl", "1.1.1n-0+deb11u4")},
       {}},
      {"bug-fix and enhancement errata are not vulnerabilities",
       Pkg("AlmaLinux:9", "openssl", "1:3.0.7-6.el9_2"),
       Os("AlmaLinux:9"),
       {Fix({"ALBA-2023:1"}, "AlmaLinux:9", "openssl", "1:3.0.7-16.el9_2"),
        Fix({"ALEA-2023:2"}, "AlmaLinux:9", "openssl", "1:3.0.7-16.el9_2"),
        Fix({"ALSA-2023:3"}, "AlmaLinux:9", "openssl", "1:3.0.7-16.el9_2")},
       {"ALSA-2023:3 fix=1:3.0.7-16.el9_2"}},
      {"no fixed event: affected without a fix",
       Pkg("Debian:11", "openssl", "1.1.1n-0+deb11u3"),
       Os("Debian:11"),
       {Fix(kDsa, "Debian:11", "openssl", "")},
       {"DSA-1 fix="}},
      {"last_affected at the version: affected, no fix",
       Pkg("PyPI", "pkg", "1.4"),
       Os(""),
       {Entry({"PYSEC-3"}, "PyPI", "pkg", {Introduced("1.0"), LastAffected("1.4")})},
       {"PYSEC-3 fix="}},
      {"last_affected below the version: not affected",
       Pkg("PyPI", "pkg", "1.5"),
       Os(""),
       {Entry({"PYSEC-3"}, "PyPI", "pkg", {Introduced("1.0"), LastAffected("1.4")})},
       {}},
      {"fixed version installed: not affected",
       Pkg("Debian:11", "openssl", "1.1.1n-0+deb11u4"),
       Os("Debian:11"),
       {Fix(kDsa, "Debian:11", "openssl", "1.1.1n-0+deb11u4")},
       {}},
      {"below introduced: not affected",
       Pkg("PyPI", "pkg", "0.9"),
       Os(""),
       {Entry({"PYSEC-4"}, "PyPI", "pkg", {Introduced("1.0"), Fixed("2.0")})},
       {}},

      // ---- aliases and headline ----
      {"aliases sharing a CVE merge; headline is the CVE",
       Pkg("PyPI", "django", "3.2"),
       Os(""),
       {Fix({"GHSA-aaaa-bbbb-cccc", {"CVE-2024-1111"}}, "PyPI", "django", "3.2.5"),
        Fix({"PYSEC-2024-1", {"CVE-2024-1111", "GHSA-aaaa-bbbb-cccc"}}, "PyPI", "django", "3.2.4")},
       {"CVE-2024-1111 fix=3.2.4 related=GHSA-aaaa-bbbb-cccc,PYSEC-2024-1"},
       "",
       true},
      {"merge is transitive (union-find)",
       Pkg("PyPI", "django", "3.2"),
       Os(""),
       {Fix({"A-1", {"B-1"}}, "PyPI", "django", "4.0"), Fix({"C-1", {"B-1"}}, "PyPI", "django", ""),
        Fix({"D-1", {"C-1"}}, "PyPI", "django", "3.9")},
       {"A-1 fix=3.9 related=B-1,C-1,D-1"},
       "",
       true},
      {"related ids do not merge; headline without aliased CVE is the record id",
       Pkg("Debian:11", "openssl", "1.1.1n-0+deb11u3"),
       Os("Debian:11"),
       {Fix(kDsa2, "Debian:11", "openssl", "1.1.1n-0+deb11u5"),
        Fix({"DLA-7", {}, {"CVE-2024-0002"}}, "Debian:11", "openssl", "1.1.1n-0+deb11u4")},
       {"DLA-7 fix=1.1.1n-0+deb11u4 related=CVE-2024-0002",
        "DSA-2 fix=1.1.1n-0+deb11u5 related=CVE-2024-0002,CVE-2024-0003"},
       "",
       true},
      {"two CVEs among aliases: smallest record id",
       Pkg("PyPI", "x", "1.0"),
       Os(""),
       {Fix({"PYSEC-9", {"CVE-2024-2", "CVE-2024-1"}}, "PyPI", "x", "2.0"),
        Fix({"GHSA-9", {"PYSEC-9"}}, "PyPI", "x", "2.0")},
       {"GHSA-9 fix=2.0 related=CVE-2024-1,CVE-2024-2,PYSEC-9"},
       "",
       true},
      {"record named after a CVE has that CVE as headline",
       Pkg("Ubuntu:18.04:LTS", "libssl1.1", "1.1.1-1ubuntu2.1~18.04.1", "openssl"),
       Os("Ubuntu:18.04:LTS"),
       {Fix({"UBUNTU-CVE-2019-1543", {}, {"CVE-2019-1543"}}, "Ubuntu:18.04:LTS", "openssl",
            "1.1.1-1ubuntu2.1~18.04.2")},
       {"CVE-2019-1543 fix=1.1.1-1ubuntu2.1~18.04.2 related=UBUNTU-CVE-2019-1543"},
       "",
       true},
      {"one advisory with several matching entries: lowest fix",
       Pkg("AlmaLinux:8", "Judy", "1.0.5-17.module_el8.3.0+2028+5e3224e9"),
       Os("AlmaLinux:8"),
       {Fix({"ALSA-2019:0987"}, "AlmaLinux:8", "Judy", "1.0.5-18.module_el8.6.0+2867+72759d2f"),
        Fix({"ALSA-2019:0987"}, "AlmaLinux:8", "Judy", "1.0.5-18.module_el8.5.0+2632+14ced695")},
       {"ALSA-2019:0987 fix=1.0.5-18.module_el8.5.0+2632+14ced695"}},

      // ---- rpm: names, epochs, Red Hat repositories ----
      {"AlmaLinux: binary rpm name",
       Pkg("AlmaLinux:9", "openssl-libs", "1:3.0.7-24.el9", "openssl"),
       Os("AlmaLinux:9"),
       {Fix({"ALSA-2024:1"}, "AlmaLinux:9", "openssl-libs", "1:3.0.7-25.el9")},
       {"ALSA-2024:1 fix=1:3.0.7-25.el9"}},
      {"AlmaLinux: an entry for the source name does not match the subpackage",
       Pkg("AlmaLinux:9", "openssl-libs", "1:3.0.7-24.el9", "openssl"),
       Os("AlmaLinux:9"),
       {Fix({"ALSA-2024:1"}, "AlmaLinux:9", "openssl", "1:3.0.7-25.el9")},
       {}},
      {"AlmaLinux compares the epoch: 1:5.1-6 is above 5.1-7",
       Pkg("AlmaLinux:9", "bash", "1:5.1-6"),
       Os("AlmaLinux:9"),
       {Fix({"ALSA-2024:2"}, "AlmaLinux:9", "bash", "5.1-7")},
       {}},
      {"AlmaLinux with epochs on both sides",
       Pkg("AlmaLinux:9", "bash", "1:5.1-6"),
       Os("AlmaLinux:9"),
       {Fix({"ALSA-2024:2"}, "AlmaLinux:9", "bash", "1:5.1-7")},
       {"ALSA-2024:2 fix=1:5.1-7"}},
      {"openEuler drops the epoch (its advisories omit it)",
       Pkg("openEuler:22.03", "bash", "1:5.1-6"),
       Os("openEuler:22.03"),
       {Fix({"OESA-1"}, "openEuler:22.03", "bash", "5.1-7")},
       {"OESA-1 fix=5.1-7"}},
      {"openEuler matches the source rpm name",
       Pkg("openEuler:22.03", "bash-devel", "5.1-6", "bash"),
       Os("openEuler:22.03"),
       {Fix({"OESA-1"}, "openEuler:22.03", "bash", "5.1-7")},
       {"OESA-1 fix=5.1-7"}},
      {"Red Hat: repository ecosystems under the release",
       Pkg("Red Hat:enterprise_linux:9", "bash", "1:5.1-6"),
       Os("Red Hat:enterprise_linux:9"),
       {Fix({"RHSA-1"}, "Red Hat:enterprise_linux:9::baseos", "bash", "1:5.1-7"),
        Fix({"RHSA-2"}, "Red Hat:enterprise_linux:8::baseos", "bash", "1:5.1-9"),
        Fix({"RHSA-3"}, "Red Hat:enterprise_linux:90::baseos", "bash", "1:5.1-9")},
       {"RHSA-1 fix=1:5.1-7"}},

      // ---- versions that cannot be compared ----
      {"invalid version: warning naming package, version and file",
       Pkg("Debian:11", "broken", "abc", "broken-src"),
       Os("Debian:11"),
       {Fix(kDsa, "Debian:11", "broken-src", "1.0-1")},
       {},
       "package broken abc (compared as broken-src abc): invalid dpkg version"},
      {"invalid source version is reported with it",
       Pkg("Debian:11", "libx", "1.0-1", "x", "bad version"),
       Os("Debian:11"),
       {Fix(kDsa, "Debian:11", "x", "1.0-2")},
       {},
       "(compared as x bad version)"},
      {"empty version: warning, no finding",
       Pkg("Debian:11", "openssl", ""),
       Os("Debian:11"),
       {Fix(kDsa, "Debian:11", "openssl", "1.0-1")},
       {},
       "empty version"},
      {"unparsable range bound: reported, not widened",
       Pkg("Debian:11", "openssl", "1.1.1n-0+deb11u3"),
       Os("Debian:11"),
       {Fix(kDsa, "Debian:11", "openssl", "not-a-version")},
       {},
       "advisory DSA-1: Debian:11 openssl ranges[0]: fixed \"not-a-version\""},
      {"inverted range: reported, not widened",
       Pkg("PyPI", "pkg", "5.0"),
       Os(""),
       {Entry({"PYSEC-5"}, "PyPI", "pkg", {Introduced("2.0"), Fixed("1.0")})},
       {},
       "inverted range"},
      {"ecosystem without a version scheme",
       Pkg("ConanCenter", "zlib", "1.2.11"),
       Os(""),
       {Fix({"X-1"}, "ConanCenter", "zlib", "1.2.12")},
       {},
       "no version scheme"},
  };
}

TEST(MatchPackageTest, Rules) {
  for (const MatchCase& tc : Cases()) {
    SCOPED_TRACE(tc.name);
    std::vector<model::InventoryWarning> warnings;
    std::vector<PackageMatch> got = MatchPackage(tc.pkg, tc.os, tc.entries, &warnings);
    std::vector<std::string> rendered;
    for (const PackageMatch& m : got) rendered.push_back(Render(m, tc.with_related));
    EXPECT_EQ(rendered, tc.want);
    if (tc.want_warning.empty()) {
      EXPECT_TRUE(warnings.empty())
          << warnings.front().location << ": " << warnings.front().message;
    } else {
      ASSERT_EQ(warnings.size(), 1u);
      EXPECT_NE(warnings[0].message.find(tc.want_warning), std::string::npos)
          << warnings[0].message;
    }
    // The matcher never crashes without a warnings sink either.
    EXPECT_EQ(MatchPackage(tc.pkg, tc.os, tc.entries, nullptr).size(), got.size());
  }
}

TEST(MatchPackageTest, PackageWarningsNameTheFile) {
  model::Package p = Pkg("Debian:11", "broken", "abc");
  p.path = "var/lib/dpkg/status";
  std::vector<model::InventoryWarning> warnings;
  MatchPackage(p, Os("Debian:11"), {}, &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].location, "var/lib/dpkg/status");
}

TEST(MatchPackageTest, RangeProblemsOncePerAdvisory) {
  // Two bad entries of one advisory give one warning, located at the advisory.
  std::vector<AffectedEntry> entries = {Fix(kDsa, "Debian:11", "openssl", "bad!"),
                                        Fix(kDsa, "Debian:11", "openssl", "worse!")};
  std::vector<model::InventoryWarning> warnings;
  auto got =
      MatchPackage(Pkg("Debian:11", "openssl", "1.0-1"), Os("Debian:11"), entries, &warnings);
  EXPECT_TRUE(got.empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].location, "DSA-1");
}

TEST(MatchPackageTest, MatchDetails) {
  std::vector<AffectedEntry> entries = {Fix({"UBUNTU-CVE-2019-1543",
                                             {},
                                             {"CVE-2019-1543"},
                                             "",
                                             {{"CVSS_V3", "CVSS:3.0/AV:N"}},
                                             R"({"priority":"low"})"},
                                            "Ubuntu:18.04:LTS", "openssl",
                                            "1.1.1-1ubuntu2.1~18.04.2")};
  auto got =
      MatchPackage(Pkg("Ubuntu:18.04:LTS", "libssl1.1", "1.1.1-1ubuntu2.1~18.04.1", "openssl"),
                   Os("Ubuntu:18.04:LTS"), entries, nullptr);
  ASSERT_EQ(got.size(), 1u);
  const PackageMatch& m = got[0];
  EXPECT_EQ(m.matched_name, "openssl");
  EXPECT_EQ(m.matched_version, "1.1.1-1ubuntu2.1~18.04.1");
  EXPECT_EQ(m.cve_ids, std::vector<std::string>{"CVE-2019-1543"});
  ASSERT_EQ(m.advisories.size(), 1u);
  EXPECT_EQ(m.advisories[0].database_specific, R"({"priority":"low"})");
  EXPECT_EQ(m.advisories[0].ecosystems, std::vector<std::string>{"Ubuntu:18.04:LTS"});
  ASSERT_EQ(m.advisories[0].severity.size(), 1u);
}

TEST(QueryForTest, Lookups) {
  struct QueryCase {
    std::string name;
    model::Package pkg;
    model::OsInfo os;
    std::vector<Query> want;
  };
  const std::vector<QueryCase> cases = {
      {"debian source name, exact release",
       Pkg("Debian:11", "libssl1.1", "1.1.1n-0+deb11u3", "openssl"),
       Os("Debian:11"),
       {{"Debian:11", "openssl", LookupScope::kExact}}},
      {"ubuntu without pro",
       Pkg("Ubuntu:14.04:LTS", "openssl", "1.0"),
       Os("Ubuntu:14.04:LTS"),
       {{"Ubuntu:14.04:LTS", "openssl", LookupScope::kExact}}},
      {"ubuntu with pro",
       Pkg("Ubuntu:14.04:LTS", "openssl", "1.0"),
       Os("Ubuntu:14.04:LTS", true),
       {{"Ubuntu:14.04:LTS", "openssl", LookupScope::kExact},
        {"Ubuntu:Pro:14.04:LTS", "openssl", LookupScope::kExact}}},
      {"alpine origin",
       Pkg("Alpine:v3.4", "libcrypto1.0", "1.0.2h-r0", "openssl"),
       Os("Alpine:v3.4"),
       {{"Alpine:v3.4", "openssl", LookupScope::kExact}}},
      {"almalinux binary name",
       Pkg("AlmaLinux:9", "openssl-libs", "1:3.0.7-24.el9", "openssl"),
       Os("AlmaLinux:9"),
       {{"AlmaLinux:9", "openssl-libs", LookupScope::kExact}}},
      {"photon both names",
       Pkg("Photon OS:5.0", "openssl-libs", "3.0.9-1.ph5", "openssl"),
       Os("Photon OS:5.0"),
       {{"Photon OS:5.0", "openssl", LookupScope::kExact},
        {"Photon OS:5.0", "openssl-libs", LookupScope::kExact}}},
      {"red hat repositories by base",
       Pkg("Red Hat:enterprise_linux:9", "bash", "1:5.1-6"),
       Os("Red Hat:enterprise_linux:9"),
       {{"Red Hat:enterprise_linux:9", "bash", LookupScope::kBase}}},
      {"pypi", Pkg("PyPI", "Django", "3.2"), Os(""), {{"PyPI", "Django", LookupScope::kBase}}},
      {"unknown release: nothing", Pkg("Debian", "openssl", "1.0"), Os(""), {}},
      {"rpm without a distribution: nothing", Pkg("RPM", "bash", "5.1-6"), Os(""), {}},
      {"empty version: nothing", Pkg("Debian:11", "openssl", ""), Os("Debian:11"), {}},
  };
  for (const QueryCase& tc : cases) {
    SCOPED_TRACE(tc.name);
    EXPECT_EQ(QueryFor(tc.pkg, tc.os), tc.want);
  }
}

TEST(UnmatchableEcosystemTest, Reasons) {
  EXPECT_FALSE(UnmatchableEcosystem(Pkg("Debian:11", "a", "1")).has_value());
  EXPECT_FALSE(UnmatchableEcosystem(Pkg("Wolfi", "a", "1")).has_value());  // rolling
  EXPECT_FALSE(UnmatchableEcosystem(Pkg("PyPI", "a", "1")).has_value());
  EXPECT_TRUE(UnmatchableEcosystem(Pkg("Debian", "a", "1")).has_value());
  EXPECT_TRUE(UnmatchableEcosystem(Pkg("Alpine", "a", "1")).has_value());
  EXPECT_TRUE(UnmatchableEcosystem(Pkg("RPM", "a", "1")).has_value());
  EXPECT_TRUE(UnmatchableEcosystem(Pkg("", "a", "1")).has_value());
  EXPECT_TRUE(UnmatchableEcosystem(Pkg("ConanCenter", "a", "1")).has_value());
}

TEST(CveIdTest, Forms) {
  EXPECT_TRUE(IsCveId("CVE-2019-1543"));
  EXPECT_TRUE(IsCveId("CVE-2021-123456"));
  EXPECT_FALSE(IsCveId("CVE-2019-154"));
  EXPECT_FALSE(IsCveId("CVE-19-1543"));
  EXPECT_FALSE(IsCveId("cve-2019-1543"));
  EXPECT_FALSE(IsCveId("CVE-2019-1543a"));
  EXPECT_EQ(CveNamedBy("UBUNTU-CVE-2019-1543"), "CVE-2019-1543");
  EXPECT_EQ(CveNamedBy("ALPINE-CVE-2016-2177"), "CVE-2016-2177");
  EXPECT_EQ(CveNamedBy("DEBIAN-CVE-2023-1"), "");  // not a CVE id
  EXPECT_EQ(CveNamedBy("CVE-2019-1543"), "");
  EXPECT_EQ(CveNamedBy("RETIREJS-jquery-CVE-2020-11022"), "");
  EXPECT_EQ(CveNamedBy("DSA-4000-1"), "");
}

}  // namespace
}  // namespace assay::match
