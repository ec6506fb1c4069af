// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/dpkg.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/testing/conformance.h"

namespace assay::inventory {
namespace {

Parsed MustParse(std::string_view text, std::string path = "var/lib/dpkg/status",
                 std::string ecosystem = "") {
  auto r = ParseDpkgStatus({text, std::move(path), std::move(ecosystem)});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *std::move(r) : Parsed{};
}

std::vector<std::string> Names(const Parsed& p) {
  std::vector<std::string> out;
  for (const auto& pkg : p.packages) out.push_back(pkg.name);
  return out;
}

constexpr std::string_view kUtilLinuxExtra = R"(Package: util-linux-extra
Status: install ok installed
Priority: optional
Section: utils
Installed-Size: 475
Maintainer: util-linux packagers <util-linux@packages.debian.org>
Architecture: amd64
Multi-Arch: foreign
Source: util-linux (2.38.1-5)
Version: 2.38.1-5+b1
Depends: libc6 (>= 2.34)
Description: interactive login tools
 Essential utilities for interactive logins.
 .
 Second paragraph.
)";

TEST(DpkgStatusTest, PackageFields) {
  Parsed p = MustParse(kUtilLinuxExtra, "var/lib/dpkg/status", "Debian:12");
  ASSERT_EQ(p.packages.size(), 1u);
  const auto& pkg = p.packages[0];
  EXPECT_EQ(pkg.ecosystem, "Debian:12");
  EXPECT_EQ(pkg.name, "util-linux-extra");
  EXPECT_EQ(pkg.version, "2.38.1-5+b1");
  EXPECT_EQ(pkg.arch, "amd64");
  EXPECT_EQ(pkg.source_name, "util-linux");
  EXPECT_EQ(pkg.source_version, "2.38.1-5");
  EXPECT_EQ(pkg.purl, "pkg:deb/debian/util-linux-extra@2.38.1-5%2Bb1?arch=amd64&distro=debian-12");
  EXPECT_EQ(pkg.path, "var/lib/dpkg/status");
  EXPECT_EQ(pkg.package_manager, "dpkg");
  EXPECT_TRUE(pkg.layer_digest.empty());
  EXPECT_TRUE(p.warnings.empty());
}

TEST(DpkgStatusTest, EcosystemAndPurl) {
  struct Case {
    std::string name, ecosystem, text, want_ecosystem, want_purl;
  };
  std::vector<Case> cases = {
      {"default ecosystem has no distro", "",
       "Package: libstdc++6\nStatus: install ok installed\nArchitecture: amd64\n"
       "Version: 12.2.0-14\n",
       "Debian", "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=amd64"},
      {"ubuntu LTS", "Ubuntu:22.04:LTS",
       "Package: bash\nStatus: install ok installed\nArchitecture: amd64\n"
       "Version: 5.1-6ubuntu1.1\n",
       "Ubuntu:22.04:LTS", "pkg:deb/ubuntu/bash@5.1-6ubuntu1.1?arch=amd64&distro=ubuntu-22.04"},
      {"ubuntu pro", "Ubuntu:Pro:18.04:LTS",
       "Package: bash\nStatus: install ok installed\nVersion: 4.4.18-2ubuntu1\n",
       "Ubuntu:Pro:18.04:LTS", "pkg:deb/ubuntu/bash@4.4.18-2ubuntu1?distro=ubuntu-18.04"},
      {"debian testing codename", "Debian:trixie",
       "Package: attr\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:2.5.2-1\n",
       "Debian:trixie", "pkg:deb/debian/attr@1:2.5.2-1?arch=amd64&distro=debian-trixie"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    Parsed p = MustParse(tc.text, "var/lib/dpkg/status", tc.ecosystem);
    ASSERT_EQ(p.packages.size(), 1u);
    EXPECT_EQ(p.packages[0].ecosystem, tc.want_ecosystem);
    EXPECT_EQ(p.packages[0].purl, tc.want_purl);
  }
}

TEST(DpkgStatusTest, SourceField) {
  struct Case {
    std::string name, source, want_name, want_version;
    bool warns;
  };
  std::vector<Case> cases = {
      {"name and version", "Source: gcc-12 (12.2.0-14)", "gcc-12", "12.2.0-14", false},
      {"name only", "Source: glibc", "glibc", "", false},
      {"same as the binary name", "Source: bash", "", "", false},
      {"same name, other version (binNMU)", "Source: bash (5.2.15-2)", "", "5.2.15-2", false},
      {"blanks inside parentheses", "Source: lvm2 ( 2.03.16-2 )", "lvm2", "2.03.16-2", false},
      {"unclosed parenthesis", "Source: lvm2 (2.03", "lvm2", "", true},
      {"no name", "Source: (1.0)", "", "", true},
      {"absent", "", "", "", false},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    std::string text = "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b8\n";
    if (!tc.source.empty()) text += tc.source + "\n";
    Parsed p = MustParse(text);
    ASSERT_EQ(p.packages.size(), 1u);
    EXPECT_EQ(p.packages[0].source_name, tc.want_name);
    EXPECT_EQ(p.packages[0].source_version, tc.want_version);
    EXPECT_EQ(!p.warnings.empty(), tc.warns);
    EXPECT_EQ(p.packages[0].version, "5.2.15-2+b8");
  }
}

TEST(DpkgStatusTest, StatusField) {
  struct Case {
    std::string status;
    bool installed;
  };
  std::vector<Case> cases = {
      {"install ok installed", true},
      {"hold ok installed", true},
      {"deinstall ok installed", true},
      {"purge ok installed", true},
      {"deinstall reinstreq installed", true},
      {"install ok triggers-pending", true},
      {"install ok triggers-awaited", true},
      {"install  ok   installed", true},
      {"deinstall ok config-files", false},
      {"purge ok not-installed", false},
      {"install ok unpacked", false},
      {"install ok half-configured", false},
      {"install reinstreq half-installed", false},
      {"bad-status", false},
      {"install ok", false},
      {"install ok installed extra", false},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.status);
    Parsed p = MustParse("Package: foo\nStatus: " + tc.status + "\nVersion: 1.0\n");
    EXPECT_EQ(p.packages.size(), tc.installed ? 1u : 0u);
  }
  Parsed bad = MustParse("Package: foo\nStatus: bad-status\nVersion: 1.0\n");
  ASSERT_EQ(bad.warnings.size(), 1u);
  EXPECT_EQ(bad.warnings[0].location, "var/lib/dpkg/status:2");
}

TEST(DpkgStatusTest, MissingStatus) {
  constexpr std::string_view kMixed =
      "Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: b\nVersion: 2\n";
  constexpr std::string_view kNone = "Package: a\nVersion: 1\n\nPackage: b\nVersion: 2\n";
  // In a status database dpkg reads a missing Status as not-installed.
  Parsed db = MustParse(kMixed, "var/lib/dpkg/status");
  EXPECT_EQ(Names(db), std::vector<std::string>{"a"});
  ASSERT_EQ(db.warnings.size(), 1u);
  EXPECT_EQ(db.warnings[0].location, "var/lib/dpkg/status:5");
  // A distroless status.d file is control data: every stanza is installed unless it says not.
  Parsed sd = MustParse(kMixed, "var/lib/dpkg/status.d/b");
  EXPECT_EQ(Names(sd), (std::vector<std::string>{"a", "b"}));
  Parsed sd2 = MustParse(
      "Package: foo\nVersion: 1.2.3\n\nPackage: bar\n"
      "Status: deinstall ok config-files\nVersion: 1.0\n",
      "status.d/foo");
  EXPECT_EQ(Names(sd2), std::vector<std::string>{"foo"});
  // A file where no stanza has a Status is control data too, wherever it lies.
  Parsed none = MustParse(kNone, "some/file");
  EXPECT_EQ(Names(none), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(none.warnings.empty());
  // "xstatus.d/" is not a status.d directory.
  Parsed other = MustParse(kMixed, "var/lib/dpkg/xstatus.d/b");
  EXPECT_EQ(Names(other), std::vector<std::string>{"a"});
}

TEST(DpkgStatusTest, MissingPackageOrVersionWarns) {
  constexpr std::string_view kText = R"(Package: foo
Status: install ok installed
Version: 1.0

Status: install ok installed
Architecture: amd64
Version: 2.3.1-3

Package: acl
Status: install ok installed
Architecture: amd64

Package: empty
Status: install ok installed
Version:

Package: bar
Status: install ok installed
Version: 2.0
)";
  Parsed p = MustParse(kText);
  EXPECT_EQ(Names(p), (std::vector<std::string>{"foo", "bar"}));
  ASSERT_EQ(p.warnings.size(), 3u);
  EXPECT_EQ(p.warnings[0].location, "var/lib/dpkg/status:5");
  EXPECT_NE(p.warnings[0].message.find("Package"), std::string::npos);
  EXPECT_EQ(p.warnings[1].location, "var/lib/dpkg/status:9");
  EXPECT_NE(p.warnings[1].message.find("acl"), std::string::npos);
  EXPECT_EQ(p.warnings[2].location, "var/lib/dpkg/status:13");
}

TEST(DpkgStatusTest, Syntax) {
  struct Case {
    std::string name, text;
    std::vector<std::string> want;
    size_t warnings;
  };
  std::vector<Case> cases = {
      {"continuation lines and shuffled fields",
       "Description: x\n more\n .\nVersion: 2:1.02-4\nArchitecture: amd64\n tail of arch\n"
       "Status: install ok installed\nPackage: dmeventd\n",
       {"dmeventd"},
       0},
      {"crlf",
       "Package: a\r\nStatus: install ok installed\r\nVersion: 1\r\n\r\nPackage: b\r\n"
       "Status: install ok installed\r\nVersion: 2\r\n",
       {"a", "b"},
       0},
      {"blank-only separator and extra blank lines",
       "\n\nPackage: a\nStatus: install ok installed\nVersion: 1\n \t \n\n\nPackage: b\n"
       "Status: install ok installed\nVersion: 2",
       {"a", "b"},
       0},
      {"case-insensitive field names",
       "package: a\nSTATUS: install ok installed\nversion: 1\n",
       {"a"},
       0},
      {"comment lines",
       "# comment\nPackage: a\n#Status: nope\nStatus: install ok installed\n"
       "Version: 1\n",
       {"a"},
       0},
      {"junk lines warn",
       "Malformed\nno version:\n\nPackage: a\nStatus: install ok installed\n"
       "Version: 1\n",
       {"a"},
       2},
      {"continuation without a field",
       " orphan\nPackage: a\nStatus: install ok installed\n"
       "Version: 1\n",
       {"a"},
       1},
      {"duplicate field: first wins",
       "Package: a\nStatus: install ok installed\nVersion: 1\n"
       "Version: 2\n",
       {"a"},
       1},
      {"invalid dpkg version kept with a warning",
       "Package: a\nStatus: install ok installed\nVersion: 1:5.#\n",
       {"a"},
       1},
      {"not-installed stanza without Version is silent",
       "Package: gone\nStatus: purge ok not-installed\n\nPackage: a\n"
       "Status: install ok installed\nVersion: 1\n",
       {"a"},
       0},
      {"trailing newlines",
       "Package: a\nStatus: install ok installed\nVersion: 1\n\n\n\n",
       {"a"},
       0},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    Parsed p = MustParse(tc.text);
    EXPECT_EQ(Names(p), tc.want);
    EXPECT_EQ(p.warnings.size(), tc.warnings);
    if (p.warnings.size() != tc.warnings) {
      for (const auto& w : p.warnings) ADD_FAILURE() << w.location << ": " << w.message;
    }
  }
  Parsed dup = MustParse("Package: a\nStatus: install ok installed\nVersion: 1\nVersion: 2\n");
  ASSERT_EQ(dup.packages.size(), 1u);
  EXPECT_EQ(dup.packages[0].version, "1");
}

TEST(DpkgStatusTest, NotADpkgDatabase) {
  for (std::string text : {"asdf\n\nyolo\n",
                           "Not a dpkg status file!\n\nastroid==2.5.1\n"
                           "    # via pylint\n"}) {
    SCOPED_TRACE(text);
    auto r = ParseDpkgStatus({text, "var/lib/dpkg/status", ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
  }
  for (std::string text : {"", "\n\n", " \t\n"}) {
    auto r = ParseDpkgStatus({text, "var/lib/dpkg/status", ""});
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->packages.empty());
  }
}

TEST(DpkgStatusTest, WarningsAreCapped) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "garbage line\n";
  text += "\nPackage: a\nStatus: install ok installed\nVersion: 1\n";
  Parsed p = MustParse(text);
  EXPECT_EQ(p.packages.size(), 1u);
  ASSERT_EQ(p.warnings.size(), 101u);
  EXPECT_EQ(p.warnings.back().message, "900 more warnings not listed");
}

TEST(DpkgFileListTest, Paths) {
  EXPECT_EQ(ParseDpkgFileList("/.\n/usr\n/usr/bin\n/usr/bin/curl\n\n/usr/share/doc/a b\n"),
            (std::vector<std::string_view>{"usr", "usr/bin", "usr/bin/curl", "usr/share/doc/a b"}));
  EXPECT_EQ(ParseDpkgFileList("/etc/x"), std::vector<std::string_view>{"etc/x"});
  EXPECT_TRUE(ParseDpkgFileList("").empty());
}

// The dpkg database of the machine the shared data was taken on. The expected count was computed
// independently of the parser:
//   grep -c '^Package:' var/lib/dpkg/status                          -> 1052
//   awk '/^Status:/ && $4 == "installed"' var/lib/dpkg/status | wc -l -> 1052
// (every stanza there is "install ok installed").
TEST(DpkgStatusTest, Debian12ThisMachine) {
  auto data = testing::SharedDataDir();
  if (!data) GTEST_SKIP() << "shared data absent";
  auto path = *data / "scan-targets/debian12-this-machine/var/lib/dpkg/status";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " absent";
  auto text = base::ReadFile(path);
  ASSERT_TRUE(text.ok());
  auto r = ParseDpkgStatus({*text, "var/lib/dpkg/status", "Debian:12"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->packages.size(), 1052u);
  for (const auto& w : r->warnings) ADD_FAILURE() << w.location << ": " << w.message;
  auto find = [&](std::string_view name) -> const model::Package* {
    for (const auto& p : r->packages) {
      if (p.name == name) return &p;
    }
    return nullptr;
  };
  const model::Package* libc6 = find("libc6");
  ASSERT_NE(libc6, nullptr);
  EXPECT_EQ(libc6->source_name, "glibc");
  EXPECT_EQ(libc6->source_version, "");
  const model::Package* bash = find("bash");
  ASSERT_NE(bash, nullptr);
  EXPECT_EQ(bash->version, "5.2.15-2+b8");
  EXPECT_EQ(bash->source_name, "");
  EXPECT_EQ(bash->source_version, "5.2.15-2");
  EXPECT_EQ(bash->purl, "pkg:deb/debian/bash@5.2.15-2%2Bb8?arch=amd64&distro=debian-12");
}

}  // namespace
}  // namespace assay::inventory
