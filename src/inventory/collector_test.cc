// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Collection from small synthetic root filesystems built in a temporary directory.
#include "inventory/collector.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/testing/conformance.h"
#include "inventory/fs.h"
#include "inventory/internal/test_tree.h"

namespace assay::inventory {
namespace {

using internal::Tree;

CollectOptions Only(std::vector<std::string> collectors) {
  CollectOptions o;
  o.collectors = std::move(collectors);
  return o;
}

namespace stdfs = std::filesystem;

constexpr std::string_view kDebian12 = R"os(PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
)os";

constexpr std::string_view kUbuntu2204 = R"os(PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
UBUNTU_CODENAME=jammy
)os";

constexpr std::string_view kAlpine319 = R"os(NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.19.1
PRETTY_NAME="Alpine Linux v3.19"
)os";

constexpr std::string_view kAlma9 = R"os(NAME="AlmaLinux"
VERSION="9.3 (Shamrock Pampas Cat)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PRETTY_NAME="AlmaLinux 9.3 (Shamrock Pampas Cat)"
)os";

constexpr std::string_view kCentos7 = R"os(NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
)os";

// Two installed packages, one removed (config files only): 2 packages.
constexpr std::string_view kDpkgStatus = R"(Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u4

Package: old-tool
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1

Package: libgcc-s1
Status: install ok installed
Architecture: amd64
Source: gcc-12 (12.2.0-14)
Version: 12.2.0-14
)";

// A distroless control file: no Status field.
constexpr std::string_view kDistrolessBase = R"(Package: base-files
Version: 12.4+deb12u5
Architecture: amd64
)";

// Two good records and one without V: (a warning at its first line, 11).
constexpr std::string_view kApkInstalled = R"(C:Q1abc=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
o:musl

P:busybox
V:1.36.1-r15
A:x86_64

P:broken
A:x86_64
)";


stdfs::path RpmFixture(const std::string& rel) {
  return testing::SourceDir() / "src/inventory/testdata/rpm" / rel;
}

std::vector<std::string> AllCollectorVersions() {
  std::vector<std::string> out;
  for (const auto& c : Collectors()) {
    auto made = c.make({});
    out.push_back(std::string(made->Name()) + "@" + std::to_string(made->Version()));
  }
  return out;
}

std::multiset<std::string> Ecosystems(const model::Inventory& inv) {
  std::multiset<std::string> out;
  for (const auto& p : inv.packages) out.insert(p.ecosystem);
  return out;
}

std::vector<std::string> NameVersions(const model::Inventory& inv) {
  std::vector<std::string> out;
  for (const auto& p : inv.packages) out.push_back(p.name + "=" + p.version);
  return out;
}

std::string Warnings(const model::Inventory& inv) {
  std::string out;
  for (const auto& w : inv.warnings) out += "[" + w.location + "] " + w.message + "\n";
  return out;
}

bool HasWarning(const std::vector<model::InventoryWarning>& warnings, std::string_view location,
                std::string_view needle) {
  for (const auto& w : warnings) {
    if (w.location == location && w.message.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(CollectorRegistryTest, OneListWithStableNames) {
  std::vector<std::string> names;
  for (const auto& c : Collectors()) {
    names.emplace_back(c.name);
    auto made = c.make({});
    ASSERT_NE(made, nullptr);
    EXPECT_EQ(made->Name(), c.name);
    EXPECT_GE(made->Version(), 1);
    EXPECT_EQ(FindCollector(c.name), &c);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"dpkg", "apk", "rpm", "lang"}));
  EXPECT_EQ(FindCollector("pip"), nullptr);
}

TEST(CollectInventoryTest, DebianDpkgAndDistroless) {
  Tree t;
  t.File("usr/lib/os-release", kDebian12)
      .Symlink("../usr/lib/os-release", "etc/os-release")
      .File("var/lib/dpkg/status", kDpkgStatus)
      .File("var/lib/dpkg/status.d/base-files", kDistrolessBase)
      .File("var/lib/dpkg/status.d/base-files.md5sums", "d41d8cd98f00b204e9800998ecf8427e  x\n");
  model::Inventory inv = t.Collect();
  EXPECT_EQ(inv.os.id, "debian");
  EXPECT_EQ(inv.os.version_id, "12");
  EXPECT_EQ(inv.os.codename, "bookworm");
  EXPECT_EQ(inv.os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(inv.os.ecosystem, "Debian:12");
  EXPECT_FALSE(inv.os.ubuntu_pro);
  EXPECT_EQ(NameVersions(inv),
            (std::vector<std::string>{"base-files=12.4+deb12u5", "libc6=2.36-9+deb12u4",
                                      "libgcc-s1=12.2.0-14"}));
  EXPECT_EQ(Ecosystems(inv), (std::multiset<std::string>{"Debian:12", "Debian:12", "Debian:12"}));
  EXPECT_EQ(inv.packages[0].path, "var/lib/dpkg/status.d/base-files");
  EXPECT_EQ(inv.packages[1].path, "var/lib/dpkg/status");
  EXPECT_EQ(inv.packages[1].source_name, "glibc");
  EXPECT_EQ(inv.packages[2].source_version, "12.2.0-14");
  EXPECT_EQ(inv.packages[1].purl,
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
  EXPECT_TRUE(inv.warnings.empty()) << Warnings(inv);
  EXPECT_EQ(inv.collectors, AllCollectorVersions());
}

TEST(CollectInventoryTest, AlpineApkWithWarning) {
  Tree t;
  t.File("etc/os-release", kAlpine319).File("lib/apk/db/installed", kApkInstalled);
  model::Inventory inv = t.Collect();
  EXPECT_EQ(inv.os.id, "alpine");
  EXPECT_EQ(inv.os.version_id, "3.19.1");
  EXPECT_EQ(inv.os.ecosystem, "Alpine:v3.19");
  EXPECT_EQ(NameVersions(inv),
            (std::vector<std::string>{"busybox=1.36.1-r15", "musl=1.2.4_git20230717-r4"}));
  EXPECT_EQ(Ecosystems(inv), (std::multiset<std::string>{"Alpine:v3.19", "Alpine:v3.19"}));
  ASSERT_EQ(inv.warnings.size(), 1u) << Warnings(inv);
  EXPECT_EQ(inv.warnings[0].location, "lib/apk/db/installed:11");
  EXPECT_NE(inv.warnings[0].message.find("broken"), std::string::npos) << Warnings(inv);
}

TEST(CollectInventoryTest, AlmaLinuxRpmdbSqliteReadOnceThroughSymlink) {
  Tree t;
  t.File("etc/os-release", kAlma9)
      .Copy(RpmFixture("sqlite/rpmdb.sqlite"), "usr/lib/sysimage/rpm/rpmdb.sqlite")
      .Symlink("../../usr/lib/sysimage/rpm", "var/lib/rpm");  // as on Fedora/openSUSE
  model::Inventory inv = t.Collect();
  EXPECT_EQ(inv.os.id, "almalinux");
  EXPECT_EQ(inv.os.ecosystem, "AlmaLinux:9");
  EXPECT_EQ(NameVersions(inv),
            (std::vector<std::string>{"assay-empty-lib=3.0.0^20240101git-0.1.fc40",
                                      "assay-epoch=2:0.9~rc1-1", "assay-hello=1.2.3-4.el9",
                                      "assay-multi=10.4-7.fc40", "assay-multi-libs=10.4-7.fc40"}));
  EXPECT_EQ(Ecosystems(inv).count("AlmaLinux:9"), 5u);
  for (const auto& p : inv.packages) {
    EXPECT_EQ(p.path, "var/lib/rpm/rpmdb.sqlite");
    EXPECT_EQ(p.package_manager, "rpm");
  }
  EXPECT_TRUE(inv.warnings.empty()) << Warnings(inv);
}

TEST(CollectInventoryTest, RpmBackendsAndUnsupportedDistribution) {
  struct Case {
    std::string name;
    std::vector<std::pair<std::string, std::string>> files;  // fixture -> rel
  };
  const std::vector<Case> cases = {
      {"bdb", {{"bdb-le4096/Packages", "var/lib/rpm/Packages"}}},
      {"ndb", {{"ndb/Packages.db", "usr/lib/sysimage/rpm/Packages.db"}}},
      // sqlite is preferred over a Berkeley DB left behind in the same directory.
      {"sqlite+bdb",
       {{"sqlite/rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite"},
        {"bdb-be16384/Packages", "var/lib/rpm/Packages"}}},
      // Two real copies of the same database: read once.
      {"two copies",
       {{"sqlite/rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite"},
        {"sqlite/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"}}},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    Tree t;
    t.File("etc/os-release", kCentos7);
    for (const auto& [fixture, rel] : tc.files) t.Copy(RpmFixture(fixture), rel);
    model::Inventory inv = t.Collect();
    EXPECT_EQ(inv.os.id, "centos");
    EXPECT_EQ(inv.os.ecosystem, "");
    EXPECT_EQ(inv.packages.size(), 5u);
    EXPECT_EQ(Ecosystems(inv).count("RPM"), 5u);
    ASSERT_EQ(inv.warnings.size(), 1u) << Warnings(inv);
    EXPECT_EQ(inv.warnings[0].location, "etc/os-release");
    EXPECT_EQ(inv.warnings[0].message,
              "operating system 'centos 7' has no OSV ecosystem: its packages match no "
              "distribution advisories");
  }
}

TEST(CollectInventoryTest, RpmdbWalWarns) {
  Tree t;
  t.File("etc/os-release", kAlma9)
      .Copy(RpmFixture("sqlite/rpmdb.sqlite"), "var/lib/rpm/rpmdb.sqlite")
      .File("var/lib/rpm/rpmdb.sqlite-wal", "not empty");
  model::Inventory inv = t.Collect();
  EXPECT_EQ(inv.packages.size(), 5u);
  EXPECT_TRUE(HasWarning(inv.warnings, "var/lib/rpm/rpmdb.sqlite-wal", "write-ahead log"))
      << Warnings(inv);
}

TEST(CollectInventoryTest, UnknownOsKeepsPackages) {
  Tree t;
  t.File("var/lib/dpkg/status", kDpkgStatus).File("lib/apk/db/installed", kApkInstalled);
  model::Inventory inv = t.Collect();
  EXPECT_EQ(inv.os.id, "");
  EXPECT_EQ(inv.os.ecosystem, "");
  EXPECT_FALSE(inv.os.known());
  EXPECT_EQ(Ecosystems(inv), (std::multiset<std::string>{"Alpine", "Alpine", "Debian", "Debian"}));
  ASSERT_FALSE(inv.warnings.empty());
  EXPECT_EQ(inv.warnings[0].location, "");
  EXPECT_EQ(inv.warnings[0].message.rfind("unknown operating system: ", 0), 0u);
  // The packages come out sorted: ecosystem, then name.
  EXPECT_EQ(inv.packages[0].name, "busybox");
  EXPECT_EQ(inv.packages[3].name, "libgcc-s1");
}

TEST(DetectOsTest, Fallbacks) {
  struct Case {
    std::string name;
    std::map<std::string, std::string> files;
    std::string id, version_id, codename, pretty, ecosystem;
    std::string warning_location;  // "" = no warning expected
    std::string warning_needle;
  };
  const std::vector<Case> cases = {
      {"os-release in usr/lib only",
       {{"usr/lib/os-release", std::string(kDebian12)}},
       "debian",
       "12",
       "bookworm",
       "Debian GNU/Linux 12 (bookworm)",
       "Debian:12",
       "",
       ""},
      {"etc wins over usr/lib",
       {{"etc/os-release", std::string(kAlpine319)},
        {"usr/lib/os-release", std::string(kDebian12)}},
       "alpine",
       "3.19.1",
       "",
       "Alpine Linux v3.19",
       "Alpine:v3.19",
       "",
       ""},
      {"ubuntu 14.04 without VERSION_CODENAME",
       {{"etc/os-release",
         "NAME=\"Ubuntu\"\nVERSION=\"14.04, Trusty Tahr\"\nID=ubuntu\n"
         "PRETTY_NAME=\"Ubuntu 14.04 LTS\"\nVERSION_ID=\"14.04\"\n"}},
       "ubuntu",
       "14.04",
       "",
       "Ubuntu 14.04 LTS",
       "Ubuntu:14.04:LTS",
       "",
       ""},
      {"UBUNTU_CODENAME",
       {{"etc/os-release", "ID=ubuntu\nVERSION_ID=20.04\nUBUNTU_CODENAME=focal\n"}},
       "ubuntu",
       "20.04",
       "focal",
       "",
       "Ubuntu:20.04:LTS",
       "",
       ""},
      {"debian_version only",
       {{"etc/debian_version", "8.7\n"}},
       "debian",
       "8.7",
       "",
       "",
       "Debian:8",
       "etc/debian_version",
       "inferred"},
      {"debian_version codename/sid is not trusted",
       {{"etc/debian_version", "buster/sid\n"}},
       "",
       "",
       "",
       "",
       "",
       "etc/debian_version",
       "not a release number"},
      {"alpine-release only",
       {{"etc/alpine-release", "3.4.0\n"}},
       "alpine",
       "3.4.0",
       "",
       "",
       "Alpine:v3.4",
       "etc/alpine-release",
       "inferred"},
      {"lsb-release",
       {{"etc/lsb-release",
         "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=16.04\nDISTRIB_CODENAME=xenial\n"
         "DISTRIB_DESCRIPTION=\"Ubuntu 16.04.7 LTS\"\n"},
        {"etc/debian_version", "stretch/sid\n"}},
       "ubuntu",
       "16.04",
       "xenial",
       "Ubuntu 16.04.7 LTS",
       "Ubuntu:16.04:LTS",
       "etc/lsb-release",
       "taken from"},
      {"os-release without ID falls back",
       {{"etc/os-release", "NAME=Thing\n"}, {"etc/debian_version", "11.5\n"}},
       "debian",
       "11.5",
       "",
       "",
       "Debian:11",
       "etc/os-release",
       "has no ID"},
      {"nothing", {}, "", "", "", "", "", "", "unknown operating system: no etc/os-release"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    Tree t;
    for (const auto& [rel, text] : tc.files) t.File(rel, text);
    std::vector<model::InventoryWarning> warnings;
    model::OsInfo os = t.Os(&warnings);
    EXPECT_EQ(os.id, tc.id);
    EXPECT_EQ(os.version_id, tc.version_id);
    EXPECT_EQ(os.codename, tc.codename);
    EXPECT_EQ(os.pretty_name, tc.pretty);
    EXPECT_EQ(os.ecosystem, tc.ecosystem);
    if (tc.warning_needle.empty()) {
      EXPECT_TRUE(warnings.empty());
    } else {
      EXPECT_TRUE(HasWarning(warnings, tc.warning_location, tc.warning_needle))
          << (warnings.empty() ? "no warnings" : warnings[0].location + ": " + warnings[0].message);
    }
  }
}

TEST(DetectOsTest, UbuntuPro) {
  struct Case {
    std::string name;
    std::string os_release;
    std::map<std::string, std::string> files;
    bool pro;
  };
  const std::string esm_list =
      "# Written by ubuntu-pro-client\n"
      "deb https://esm.ubuntu.com/infra/ubuntu jammy-infra-security main\n"
      "# deb-src https://esm.ubuntu.com/infra/ubuntu jammy-infra-security main\n";
  const std::string esm_sources =
      "# Written by ubuntu-pro-client\n"
      "Types: deb\n"
      "URIs: https://esm.ubuntu.com/apps/ubuntu\n"
      "Suites: noble-apps-security noble-apps-updates\n"
      "Components: main\n"
      "Signed-By: /usr/share/keyrings/ubuntu-pro-esm-apps.gpg\n";
  const std::string plain_sources =
      "Types: deb\nURIs: http://archive.ubuntu.com/ubuntu/\nSuites: noble\nComponents: main\n";
  const std::string u = std::string(kUbuntu2204);
  const std::vector<Case> cases = {
      {"no apt sources", u, {}, false},
      {"plain archive only",
       u,
       {{"etc/apt/sources.list", "deb http://archive.ubuntu.com/ubuntu jammy main\n"},
        {"etc/apt/sources.list.d/ubuntu.sources", plain_sources}},
       false},
      {"esm-infra list", u, {{"etc/apt/sources.list.d/ubuntu-esm-infra.list", esm_list}}, true},
      {"esm-apps deb822",
       u,
       {{"etc/apt/sources.list.d/ubuntu-esm-apps.sources", esm_sources}},
       true},
      {"deb822 stanza disabled",
       u,
       {{"etc/apt/sources.list.d/ubuntu-esm-apps.sources",
         plain_sources + "\n" + esm_sources + "Enabled: no\n"}},
       false},
      {"commented out",
       u,
       {{"etc/apt/sources.list",
         "# deb https://esm.ubuntu.com/infra/ubuntu jammy-infra-security main\n"}},
       false},
      {"in sources.list",
       u,
       {{"etc/apt/sources.list",
         "deb [signed-by=/k.gpg] https://esm.ubuntu.com/infra/ubuntu jammy-infra-updates main\n"}},
       true},
      {"wrong suffix is ignored by apt",
       u,
       {{"etc/apt/sources.list.d/ubuntu-esm-infra.list.save", esm_list}},
       false},
      {"not ubuntu",
       std::string(kDebian12),
       {{"etc/apt/sources.list.d/ubuntu-esm-infra.list", esm_list}},
       false},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    Tree t;
    t.File("etc/os-release", tc.os_release);
    for (const auto& [rel, text] : tc.files) t.File(rel, text);
    EXPECT_EQ(t.Os().ubuntu_pro, tc.pro);
  }
  Tree t;
  t.File("etc/os-release", kUbuntu2204)
      .File("etc/apt/sources.list.d/ubuntu-esm-infra.list", esm_list);
  model::Inventory inv = t.Collect();
  EXPECT_TRUE(inv.os.ubuntu_pro);
  EXPECT_EQ(inv.os.ecosystem, "Ubuntu:22.04:LTS");
  EXPECT_EQ(inv.os.codename, "jammy");
}

TEST(CollectInventoryTest, UnreadableAndUnparsableFilesAreWarnings) {
  Tree t;
  t.File("etc/os-release", kDebian12)
      .Fifo("var/lib/dpkg/status")
      .File("var/lib/dpkg/status.d/good", kDistrolessBase)
      .File("var/lib/dpkg/status.d/garbage", "\x01\x02\x03 binary junk\n")
      .Fifo("lib/apk/db/installed")
      .File("var/lib/rpm/rpmdb.sqlite", "not a database")
      .Copy(RpmFixture("bdb-le512/Packages"), "var/lib/rpm/Packages");
  model::Inventory inv = t.Collect();
  // Only the good status.d file and the Berkeley DB behind the broken sqlite file count.
  EXPECT_EQ(inv.packages.size(), 6u) << Warnings(inv);
  EXPECT_TRUE(HasWarning(inv.warnings, "var/lib/dpkg/status", "a FIFO, not read")) << Warnings(inv);
  EXPECT_TRUE(HasWarning(inv.warnings, "lib/apk/db/installed", "a FIFO, not read"));
  EXPECT_TRUE(HasWarning(inv.warnings, "var/lib/dpkg/status.d/garbage", "not parsed"));
  EXPECT_TRUE(HasWarning(inv.warnings, "var/lib/rpm/rpmdb.sqlite", "not parsed"));
  EXPECT_EQ(inv.collectors.size(), Collectors().size());
}

TEST(CollectInventoryTest, Options) {
  Tree t;
  t.File("etc/os-release", kDebian12)
      .File("var/lib/dpkg/status", kDpkgStatus)
      .File("lib/apk/db/installed", kApkInstalled);
  model::Inventory apk_only = t.Collect(Only({"apk"}));
  EXPECT_EQ(apk_only.packages.size(), 2u);
  ASSERT_EQ(apk_only.collectors.size(), 1u);
  EXPECT_EQ(apk_only.collectors[0].rfind("apk@", 0), 0u);
  // The Debian OS does not relabel apk packages.
  EXPECT_EQ(Ecosystems(apk_only), (std::multiset<std::string>{"Alpine", "Alpine"}));

  auto fs = OpenDirFs(t.root());
  ASSERT_TRUE(fs.ok());
  auto bad = CollectInventory(**fs, Only({"dpkg", "pacman"}));
  EXPECT_EQ(bad.status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "unknown collector 'pacman' (known: dpkg, apk, rpm, lang)");
}

TEST(CollectLockfileTest, ParserByType) {
  auto inv = CollectLockfile("dpkg-status", kDpkgStatus, "/tmp/status");
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(NameVersions(*inv),
            (std::vector<std::string>{"libc6=2.36-9+deb12u4", "libgcc-s1=12.2.0-14"}));
  EXPECT_EQ(inv->packages[0].path, "/tmp/status");
  EXPECT_EQ(inv->packages[0].ecosystem, "Debian");
  EXPECT_EQ(inv->os.id, "");
  EXPECT_EQ(inv->collectors, (std::vector<std::string>{"dpkg-status@1"}));

  auto unknown = CollectLockfile("cocoapods-lock", "", "Podfile.lock");
  EXPECT_EQ(unknown.status().code(), base::Code::kNotFound);
  EXPECT_EQ(unknown.status().message(),
            "unknown lockfile type 'cocoapods-lock' (known: " + KnownLockfileTypes() + ")");
  EXPECT_NE(KnownLockfileTypes().find("dpkg-status, apk-installed"), std::string::npos);

  auto wrong = CollectLockfile("apk-installed", "this is not\nan apk database\n", "x");
  EXPECT_EQ(wrong.status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(wrong.status().message().rfind("x: ", 0), 0u) << wrong.status().message();
}

TEST(SortPackagesTest, StableOrder) {
  auto pkg = [](std::string ecosystem, std::string name, std::string version, std::string path) {
    model::Package p;
    p.ecosystem = std::move(ecosystem);
    p.name = std::move(name);
    p.version = std::move(version);
    p.path = std::move(path);
    return p;
  };
  std::vector<model::Package> pkgs = {
      pkg("Debian:12", "b", "1", "p2"), pkg("Alpine:v3.19", "z", "1", "p"),
      pkg("Debian:12", "b", "1", "p1"), pkg("Debian:12", "a", "2", "p"),
      pkg("Debian:12", "a", "10", "p"),
  };
  SortPackages(pkgs);
  std::vector<std::string> got;
  for (const auto& p : pkgs)
    got.push_back(p.ecosystem + "/" + p.name + "/" + p.version + "/" + p.path);
  EXPECT_EQ(got,
            (std::vector<std::string>{"Alpine:v3.19/z/1/p", "Debian:12/a/10/p", "Debian:12/a/2/p",
                                      "Debian:12/b/1/p1", "Debian:12/b/1/p2"}));
}

TEST(CollectInventoryTest, RootMustBeADirectory) {
  // An Fs whose root is a file cannot come from OpenDirFs; a hand-made one checks the guard.
  class FileRoot final : public Fs {
   public:
    std::string Describe() const override { return "file root"; }
    base::Result<std::string> ReadFile(std::string_view, uint64_t) const override {
      return base::Status::NotFound("x");
    }
    base::Result<FileInfo> Stat(std::string_view) const override {
      return FileInfo{FileType::kRegular, 1};
    }
    base::Result<FileInfo> StatResolved(std::string_view) const override {
      return FileInfo{FileType::kRegular, 1};
    }
    base::Result<std::vector<DirEntry>> ListDir(std::string_view) const override {
      return base::Status::InvalidArgument("not a directory");
    }
  };
  FileRoot fs;
  EXPECT_EQ(CollectInventory(fs, {}).status().code(), base::Code::kInvalidArgument);
}

}  // namespace
}  // namespace assay::inventory
