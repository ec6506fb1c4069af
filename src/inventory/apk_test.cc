// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/apk.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace assay::inventory {
namespace {

Parsed MustParse(std::string_view text, std::string ecosystem = "") {
  auto r = ParseApkInstalled({text, "lib/apk/db/installed", std::move(ecosystem)});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *std::move(r) : Parsed{};
}

std::vector<std::string> Names(const Parsed& p) {
  std::vector<std::string> out;
  for (const auto& pkg : p.packages) out.push_back(pkg.name);
  return out;
}

constexpr std::string_view kTwo = R"(C:Q1yhJHGSZ80L7cL0y4UKKGrBPwrUQ=
P:busybox
V:1.36.1-r15
A:x86_64
S:509353
I:959488
T:Size optimized toolbox of many common UNIX utilities
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1700000000
c:1dbf7a793afae640ea643a055b6dd4f430ac116b
D:so:libc.musl-x86_64.so.1
F:bin
R:busybox
a:0:0:755
Z:Q1xOlCsdvx4O0gnKWoFCNKjz2quRE=
R:sh
F:etc/
R:securetty

P:ssl_client
V:1.36.1-r15
A:x86_64
o:busybox
c:1dbf7a793afae640ea643a055b6dd4f430ac116b
F:usr/bin
R:ssl_client
)";

TEST(ApkInstalledTest, PackageFields) {
  Parsed p = MustParse(kTwo, "Alpine:v3.19");
  ASSERT_EQ(p.packages.size(), 2u);
  const auto& bb = p.packages[0];
  EXPECT_EQ(bb.ecosystem, "Alpine:v3.19");
  EXPECT_EQ(bb.name, "busybox");
  EXPECT_EQ(bb.version, "1.36.1-r15");
  EXPECT_EQ(bb.arch, "x86_64");
  EXPECT_EQ(bb.source_name, "");  // origin equals the name
  EXPECT_EQ(bb.source_version, "");
  EXPECT_EQ(bb.purl, "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64");
  EXPECT_EQ(bb.path, "lib/apk/db/installed");
  EXPECT_EQ(bb.package_manager, "apk");
  const auto& ssl = p.packages[1];
  EXPECT_EQ(ssl.name, "ssl_client");
  EXPECT_EQ(ssl.source_name, "busybox");
  EXPECT_EQ(ssl.purl, "pkg:apk/alpine/ssl_client@1.36.1-r15?arch=x86_64");
  EXPECT_TRUE(p.warnings.empty());
}

TEST(ApkInstalledTest, Ecosystems) {
  struct Case {
    std::string ecosystem, want_ecosystem, want_purl;
  };
  std::vector<Case> cases = {
      {"", "Alpine", "pkg:apk/alpine/musl@1.2.4-r2?arch=aarch64"},
      {"Alpine:v3.18", "Alpine:v3.18", "pkg:apk/alpine/musl@1.2.4-r2?arch=aarch64"},
      {"Wolfi", "Wolfi", "pkg:apk/wolfi/musl@1.2.4-r2?arch=aarch64"},
      {"Chainguard", "Chainguard", "pkg:apk/chainguard/musl@1.2.4-r2?arch=aarch64"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.ecosystem);
    Parsed p = MustParse("P:musl\nV:1.2.4-r2\nA:aarch64\no:musl\n", tc.ecosystem);
    ASSERT_EQ(p.packages.size(), 1u);
    EXPECT_EQ(p.packages[0].ecosystem, tc.want_ecosystem);
    EXPECT_EQ(p.packages[0].purl, tc.want_purl);
  }
  Parsed noarch = MustParse("P:x\nV:1.0-r0\n");
  ASSERT_EQ(noarch.packages.size(), 1u);
  EXPECT_EQ(noarch.packages[0].purl, "pkg:apk/alpine/x@1.0-r0");
}

TEST(ApkInstalledTest, Records) {
  struct Case {
    std::string name, text;
    std::vector<std::string> want;
    std::vector<std::string> warning_locations;
  };
  std::vector<Case> cases = {
      {"record without version skipped",
       "P:a\nV:1-r0\n\nP:invalidPackageWithoutAVersion\n\nP:b\nV:2-r0\n",
       {"a", "b"},
       {"lib/apk/db/installed:4"}},
      {"record without name skipped",
       "o:openssl\nV:3.0.7-r0\nF:etc\n\nP:b\nV:2-r0\n",
       {"b"},
       {"lib/apk/db/installed:1"}},
      {"shuffled lines", "R:x\nV:1-r0\nF:usr\nP:a\nA:x86_64\n", {"a"}, {}},
      {"junk lines warn",
       "\nThis is a malformed APK installed file\n\n  no package:\n\nP:a\nV:1-r0\n",
       {"a"},
       {"lib/apk/db/installed:2", "lib/apk/db/installed:4"}},
      {"crlf and blank-only separators", "P:a\r\nV:1-r0\r\n \t\r\nP:b\r\nV:2-r0", {"a", "b"}, {}},
      {"many blank lines", "\n\n\nP:a\nV:1-r0\n\n\n\nP:b\nV:2-r0\n\n\n", {"a", "b"}, {}},
      {"duplicate version: first wins", "P:a\nV:1-r0\nV:2-r0\n", {"a"}, {"lib/apk/db/installed:3"}},
      {"invalid apk version kept with a warning",
       "P:a\nV:1.0bc\n",
       {"a"},
       {"lib/apk/db/installed:2"}},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    Parsed p = MustParse(tc.text);
    EXPECT_EQ(Names(p), tc.want);
    std::vector<std::string> locations;
    for (const auto& w : p.warnings) locations.push_back(w.location);
    EXPECT_EQ(locations, tc.warning_locations);
  }
  Parsed dup = MustParse("P:a\nV:1-r0\nV:2-r0\n");
  ASSERT_EQ(dup.packages.size(), 1u);
  EXPECT_EQ(dup.packages[0].version, "1-r0");
}

TEST(ApkInstalledTest, NotAnApkDatabase) {
  for (std::string text : {"asdf\n\nyolo\n", "Not an APK file!\n[[package]]\nname = \"x\"\n"}) {
    SCOPED_TRACE(text);
    auto r = ParseApkInstalled({text, "lib/apk/db/installed", ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
    EXPECT_FALSE(ParseApkOwnedFiles(text).ok());
  }
  for (std::string text : {"", "\n\n", " \n"}) {
    auto r = ParseApkInstalled({text, "lib/apk/db/installed", ""});
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->packages.empty());
  }
}

TEST(ApkInstalledTest, WarningsAreCapped) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "garbage\n";
  text += "\nP:a\nV:1-r0\n";
  Parsed p = MustParse(text);
  EXPECT_EQ(p.packages.size(), 1u);
  ASSERT_EQ(p.warnings.size(), 101u);
  EXPECT_EQ(p.warnings.back().message, "400 more warnings not listed");
}

TEST(ApkOwnedFilesTest, JoinsDirectoriesAndFiles) {
  auto r = ParseApkOwnedFiles(std::string(kTwo) + "\nR:rootfile\nP:c\nF:/var/lib/\nR:db\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].name, "busybox");
  EXPECT_EQ((*r)[0].version, "1.36.1-r15");
  EXPECT_EQ((*r)[0].files, (std::vector<std::string>{"bin/busybox", "bin/sh", "etc/securetty"}));
  EXPECT_EQ((*r)[1].name, "ssl_client");
  EXPECT_EQ((*r)[1].files, std::vector<std::string>{"usr/bin/ssl_client"});
  EXPECT_EQ((*r)[2].name, "c");
  EXPECT_EQ((*r)[2].version, "");
  EXPECT_EQ((*r)[2].files, (std::vector<std::string>{"rootfile", "var/lib/db"}));

  auto empty = ParseApkOwnedFiles("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace assay::inventory
