// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/sbom_input.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/file.h"
#include "base/testing/conformance.h"

namespace assay::inventory {
namespace {

using ::testing::HasSubstr;

std::string Fixture(const std::string& name) {
  auto r = base::ReadFile(testing::SourceDir() / "src/inventory/testdata/sbom" / name);
  EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
  return r.ok() ? *r : std::string();
}

const model::Package* Find(const model::Inventory& inv, const std::string& name) {
  for (const auto& p : inv.packages) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> WarningTexts(const model::Inventory& inv) {
  std::vector<std::string> out;
  for (const auto& w : inv.warnings) out.push_back(w.location + ": " + w.message);
  return out;
}

TEST(ParsePurlTest, Parts) {
  struct Case {
    std::string purl, type, ns, name, version, subpath;
    std::vector<std::pair<std::string, std::string>> qualifiers;
  };
  const std::vector<Case> cases = {
      {"pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12",
       "deb",
       "debian",
       "curl",
       "7.88.1-10+deb12u5",
       "",
       {{"arch", "amd64"}, {"distro", "debian-12"}}},
      {"pkg:npm/%40angular/core@16.2.0", "npm", "@angular", "core", "16.2.0", "", {}},
      {"pkg:npm/@angular/core", "npm", "@angular", "core", "", "", {}},
      {"pkg:golang/github.com/gorilla/mux@v1.8.0#sub/dir",
       "golang",
       "github.com/gorilla",
       "mux",
       "v1.8.0",
       "sub/dir",
       {}},
      {"PKG:Maven/org.apache.logging.log4j/log4j-core@2.14.1?Type=jar",
       "maven",
       "org.apache.logging.log4j",
       "log4j-core",
       "2.14.1",
       "",
       {{"type", "jar"}}},
      {"pkg://pypi/Django@4.2", "pypi", "", "Django", "4.2", "", {}},
      {"pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=",
       "deb",
       "debian",
       "zlib1g",
       "1:1.2.13.dfsg-1",
       "",
       {}},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.purl);
    auto p = ParsePurl(tc.purl);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->type, tc.type);
    EXPECT_EQ(p->Namespace(), tc.ns);
    EXPECT_EQ(p->name, tc.name);
    EXPECT_EQ(p->version, tc.version);
    EXPECT_EQ(p->subpath, tc.subpath);
    EXPECT_EQ(p->qualifiers, tc.qualifiers);
  }
}

TEST(ParsePurlTest, Errors) {
  for (std::string bad : {"", "curl@1.0", "pkg:", "pkg:deb", "pkg:deb/", "pkg:pypi/a%2@1",
                          "pkg:pypi/a@1%zz", "pkg:pypi/a@1?arch", "pkg:deb/debian/@1.0"}) {
    SCOPED_TRACE(bad);
    auto p = ParsePurl(bad);
    EXPECT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), base::Code::kInvalidArgument);
  }
}

TEST(PackageFromPurlTest, Ecosystems) {
  struct Case {
    std::string name, purl, os, fallback;
    std::string ecosystem, pkg_name, version, source_name, source_version, arch, manager;
  };
  const std::vector<Case> cases = {
      {"debian distro with point release",
       "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.5", "", "", "Debian:12",
       "libssl3", "3.0.11-1~deb12u2", "", "", "amd64", "dpkg"},
      {"debian codename", "pkg:deb/debian/bash@5.2.15-2?distro=bookworm", "", "", "Debian:12",
       "bash", "5.2.15-2", "", "", "", "dpkg"},
      {"debian from the document os", "pkg:deb/debian/bash@5.2.15-2", "Debian:12", "", "Debian:12",
       "bash", "5.2.15-2", "", "", "", "dpkg"},
      {"debian os of another distribution", "pkg:deb/debian/bash@5.2.15-2", "Alpine:v3.19", "",
       "Debian", "bash", "5.2.15-2", "", "", "", "dpkg"},
      {"debian upstream with version",
       "pkg:deb/debian/libgcc-s1@12.2.0-14?distro=debian-12&upstream=gcc-12%4012.2.0-14%2Bb1", "",
       "", "Debian:12", "libgcc-s1", "12.2.0-14", "gcc-12", "12.2.0-14+b1", "", "dpkg"},
      {"ubuntu lts", "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.6?arch=amd64&distro=ubuntu-22.04", "", "",
       "Ubuntu:22.04:LTS", "libc6", "2.35-0ubuntu3.6", "", "", "amd64", "dpkg"},
      {"ubuntu codename", "pkg:deb/ubuntu/libc6@2.39-0ubuntu8?distro=noble", "", "",
       "Ubuntu:24.04:LTS", "libc6", "2.39-0ubuntu8", "", "", "", "dpkg"},
      {"alpine distro version only",
       "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.18.4&upstream=musl", "", "",
       "Alpine:v3.18", "musl", "1.2.4-r2", "", "", "x86_64", "apk"},
      {"alpine origin",
       "pkg:apk/alpine/ssl_client@1.36.1-r15?distro=alpine-3.19.1&upstream=busybox", "", "",
       "Alpine:v3.19", "ssl_client", "1.36.1-r15", "busybox", "", "", "apk"},
      {"wolfi", "pkg:apk/wolfi/glibc@2.39-r1", "", "", "Wolfi", "glibc", "2.39-r1", "", "", "",
       "apk"},
      {"rpm epoch and source rpm",
       "pkg:rpm/almalinux/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1&distro=almalinux-9.3&"
       "upstream=openssl-3.0.7-24.el9.src.rpm",
       "", "", "AlmaLinux:9", "openssl-libs", "1:3.0.7-24.el9", "openssl", "", "x86_64", "rpm"},
      {"red hat", "pkg:rpm/redhat/bash@5.1.8-6.el9?distro=rhel-9.2", "", "",
       "Red Hat:enterprise_linux:9", "bash", "5.1.8-6.el9", "", "", "", "rpm"},
      {"rocky without distro uses the os", "pkg:rpm/rocky/bash@5.1.8-6.el9", "Rocky Linux:9", "",
       "Rocky Linux:9", "bash", "5.1.8-6.el9", "", "", "", "rpm"},
      {"pypi", "pkg:pypi/requests@2.31.0", "", "", "PyPI", "requests", "2.31.0", "", "", "", "pip"},
      {"npm scoped", "pkg:npm/%40babel/core@7.23.0", "", "", "npm", "@babel/core", "7.23.0", "", "",
       "", "npm"},
      {"go", "pkg:golang/golang.org/x/net@v0.17.0", "", "", "Go", "golang.org/x/net", "v0.17.0", "",
       "", "", "go"},
      {"cargo", "pkg:cargo/serde@1.0.190", "", "", "crates.io", "serde", "1.0.190", "", "", "",
       "cargo"},
      {"gem", "pkg:gem/rails@7.1.1", "", "", "RubyGems", "rails", "7.1.1", "", "", "", "gem"},
      {"maven", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "", "", "Maven",
       "org.apache.logging.log4j:log4j-core", "2.14.1", "", "", "", "maven"},
      {"nuget", "pkg:nuget/Newtonsoft.Json@13.0.1", "", "", "NuGet", "Newtonsoft.Json", "13.0.1",
       "", "", "", "nuget"},
      {"composer", "pkg:composer/laravel/framework@10.0.0", "", "", "Packagist",
       "laravel/framework", "10.0.0", "", "", "", "composer"},
      {"fallback version", "pkg:pypi/flask", "", "3.0.0", "PyPI", "flask", "3.0.0", "", "", "",
       "pip"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto p = PackageFromPurl(tc.purl, tc.os, tc.fallback);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->ecosystem, tc.ecosystem);
    EXPECT_EQ(p->name, tc.pkg_name);
    EXPECT_EQ(p->version, tc.version);
    EXPECT_EQ(p->source_name, tc.source_name);
    EXPECT_EQ(p->source_version, tc.source_version);
    EXPECT_EQ(p->arch, tc.arch);
    EXPECT_EQ(p->package_manager, tc.manager);
    EXPECT_EQ(p->purl, tc.purl);
  }
}

TEST(PackageFromPurlTest, Errors) {
  auto generic = PackageFromPurl("pkg:generic/openssl@3.0.0", "");
  EXPECT_EQ(generic.status().code(), base::Code::kNotSupported);
  auto raspbian = PackageFromPurl("pkg:deb/raspbian/bash@5.0", "");
  EXPECT_EQ(raspbian.status().code(), base::Code::kNotSupported);
  auto no_version = PackageFromPurl("pkg:pypi/flask", "");
  EXPECT_EQ(no_version.status().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(no_version.status().message(), HasSubstr("no version"));
  EXPECT_EQ(PackageFromPurl("flask==1.0", "").status().code(), base::Code::kInvalidArgument);
}

TEST(ParseSbomTest, CycloneDx) {
  auto inv = ParseSbom(Fixture("cyclonedx-debian.json"), "bom.json");
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->os.id, "debian");
  EXPECT_EQ(inv->os.version_id, "12.5");
  EXPECT_EQ(inv->os.ecosystem, "Debian:12");
  EXPECT_EQ(inv->os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(inv->collectors, std::vector<std::string>{"cyclonedx@1"});

  std::vector<std::string> names;
  for (const auto& p : inv->packages) names.push_back(p.ecosystem + "/" + p.name + "@" + p.version);
  // Sorted; the duplicate libssl3 is kept once; nested components are read.
  EXPECT_THAT(names, ::testing::ElementsAre(
                         "Debian:12/bash@5.2.15-2+b2", "Debian:12/libssl3@3.0.11-1~deb12u2",
                         "Debian:12/zlib1g@1:1.2.13.dfsg-1", "PyPI/requests@2.31.0",
                         "PyPI/urllib3@2.0.7", "npm/@scope/left-pad@1.3.0"));
  const model::Package* ssl = Find(*inv, "libssl3");
  ASSERT_NE(ssl, nullptr);
  EXPECT_EQ(ssl->source_name, "openssl");
  EXPECT_EQ(ssl->source_version, "3.0.11-1~deb12u1");  // Trivy's SrcVersion + SrcRelease
  EXPECT_EQ(ssl->path, "bom.json");
  EXPECT_EQ(ssl->arch, "amd64");
  const model::Package* zlib = Find(*inv, "zlib1g");
  ASSERT_NE(zlib, nullptr);
  EXPECT_EQ(zlib->source_name, "zlib");
  EXPECT_EQ(zlib->ecosystem, "Debian:12");  // no distro qualifier: the document's OS

  EXPECT_THAT(
      WarningTexts(*inv),
      ::testing::UnorderedElementsAre(
          "bom.json: components[5]: 'no-purl' has no purl; not matched",
          "bom.json: components[6]: purl pkg:pypi/flask: no version; not matched",
          HasSubstr("bom.json: components[7]: purl pkg:generic/openssl@3.0.0: type 'generic'"),
          HasSubstr("bom.json: components[8]: bad percent escape")));
}

TEST(ParseSbomTest, SpdxWithOsPackage) {
  auto inv = ParseSbom(Fixture("spdx-alpine.json"), "alpine.spdx.json");
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->os.id, "alpine");
  EXPECT_EQ(inv->os.ecosystem, "Alpine:v3.19");
  EXPECT_EQ(inv->os.pretty_name, "Alpine Linux v3.19");
  EXPECT_EQ(inv->collectors, std::vector<std::string>{"spdx@1"});
  ASSERT_EQ(inv->packages.size(), 3u);
  EXPECT_EQ(inv->packages[0].ecosystem, "Alpine:v3.19");
  EXPECT_EQ(inv->packages[0].name, "busybox");
  EXPECT_EQ(inv->packages[0].source_name, "");
  EXPECT_EQ(inv->packages[1].name, "ssl_client");
  EXPECT_EQ(inv->packages[1].source_name, "busybox");
  EXPECT_EQ(inv->packages[2].ecosystem, "RubyGems");
  EXPECT_EQ(inv->packages[2].version, "13.0.6");
  // The described root (a FILE) is not a package; the package without a purl is reported.
  EXPECT_THAT(WarningTexts(*inv),
              ::testing::ElementsAre("alpine.spdx.json: packages[5] (SPDXRef-Package-nopurl): "
                                     "'mystery' has no purl; not matched"));
}

TEST(ParseSbomTest, SpdxInfersTheOsFromPackageUrls) {
  auto inv = ParseSbom(Fixture("spdx-no-os.json"), "rocky.json");
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->os.ecosystem, "Rocky Linux:9");
  EXPECT_EQ(inv->os.id, "rocky");
  EXPECT_EQ(inv->os.version_id, "9");
  ASSERT_EQ(inv->packages.size(), 2u);
  EXPECT_EQ(inv->packages[1].name, "openssl-libs");
  EXPECT_EQ(inv->packages[1].version, "1:3.0.7-24.el9");
  EXPECT_EQ(inv->packages[1].source_name, "openssl");
  EXPECT_THAT(WarningTexts(*inv),
              ::testing::ElementsAre("rocky.json: the document names no operating system; Rocky "
                                     "Linux:9 inferred from package URLs"));
}

TEST(ParseSbomTest, SpdxSourceInfo) {
  auto inv = ParseSbom(R"({"spdxVersion": "SPDX-2.3", "packages": [
    {"SPDXID": "SPDXRef-1", "name": "libssl3", "versionInfo": "3.0.11-1~deb12u2",
     "sourceInfo": "built package from: openssl 3.0.11-1~deb12u2+b1",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
       "referenceLocator": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12"}]},
    {"SPDXID": "SPDXRef-2", "name": "zlib1g", "sourceInfo": "built package from: zlib",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
       "referenceLocator": "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?distro=debian-12"}]}]})",
                       "s.json");
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  ASSERT_EQ(inv->packages.size(), 2u);
  EXPECT_EQ(inv->packages[0].source_name, "openssl");
  EXPECT_EQ(inv->packages[0].source_version, "3.0.11-1~deb12u2+b1");
  EXPECT_EQ(inv->packages[1].source_name, "zlib");
  EXPECT_EQ(inv->packages[1].source_version, "");
}

TEST(ParseSbomTest, MalformedDocuments) {
  struct Case {
    std::string file, want;
  };
  const std::vector<Case> cases = {
      {"cyclonedx.xml", "x: looks like XML"},
      {"tag-value.spdx", "x: SPDX tag-value is not supported"},
      {"components-not-array.json", "x: CycloneDX `components` must be an array"},
      {"packages-not-array.json", "x: SPDX `packages` must be an array"},
      {"truncated.json", "x: not JSON ("},
      {"neither.json", "x: neither CycloneDX"},
      {"spdx3.json", "x: SPDX 3 (JSON-LD) is not supported"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.file);
    auto inv = ParseSbom(Fixture(tc.file), "x");
    ASSERT_FALSE(inv.ok());
    EXPECT_EQ(inv.status().code(), base::Code::kInvalidArgument);
    EXPECT_EQ(inv.status().message().rfind(tc.want, 0), 0u) << inv.status().message();
  }
  EXPECT_FALSE(ParseSbom("", "x").ok());
  EXPECT_FALSE(ParseSbom("[1,2]", "x").ok());
}

TEST(ParseSbomTest, WarningsAreCappedPerKind) {
  std::string doc = R"({"bomFormat":"CycloneDX","components":[)";
  for (int i = 0; i < 50; ++i) {
    doc +=
        std::string(i ? "," : "") + R"({"type":"library","name":"x)" + std::to_string(i) + R"("})";
  }
  doc += "]}";
  auto inv = ParseSbom(doc, "big.json");
  ASSERT_TRUE(inv.ok());
  ASSERT_EQ(inv->warnings.size(), kMaxWarningsPerKind + 1);
  EXPECT_EQ(inv->warnings.back().message, "30 more: components without a purl (not matched)");
}

TEST(ParseSbomTest, DeepNestingIsBounded) {
  std::string doc = R"({"bomFormat":"CycloneDX","components":[)";
  const int depth = 200;
  for (int i = 0; i < depth; ++i)
    doc += R"({"type":"library","purl":"pkg:pypi/p@1","components":[)";
  for (int i = 0; i < depth; ++i) doc += "]}";
  doc += "]}";
  auto inv = ParseSbom(doc, "deep.json");
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->packages.size(), 1u);
  EXPECT_THAT(WarningTexts(*inv), ::testing::Contains(HasSubstr("nested deeper than 64")));
}

}  // namespace
}  // namespace assay::inventory
