// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/os_release.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/testing/conformance.h"

namespace assay::inventory {
namespace {

struct EcosystemCase {
  std::string name;
  std::string text;
  std::string id;
  std::string version_id;
  std::string ecosystem;
};

// os-release files as the distributions ship them (Debian 12's is this build machine's
// /etc/os-release).
const std::vector<EcosystemCase>& EcosystemCases() {
  static const std::vector<EcosystemCase> cases = {
      {"debian 12", R"os(PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
)os",
       "debian", "12", "Debian:12"},
      {"debian 8 (no codename)", R"os(PRETTY_NAME="Debian GNU/Linux 8 (jessie)"
NAME="Debian GNU/Linux"
VERSION_ID="8"
VERSION="8 (jessie)"
ID=debian
HOME_URL="http://www.debian.org/"
)os",
       "debian", "8", "Debian:8"},
      {"debian testing/sid", R"os(PRETTY_NAME="Debian GNU/Linux trixie/sid"
NAME="Debian GNU/Linux"
VERSION_CODENAME=trixie
ID=debian
HOME_URL="https://www.debian.org/"
)os",
       "debian", "", "Debian:trixie"},
      {"debian sid without codename", "PRETTY_NAME=\"Debian GNU/Linux sid\"\nID=debian\n", "debian",
       "", "Debian"},
      {"ubuntu 22.04", R"os(PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
)os",
       "ubuntu", "22.04", "Ubuntu:22.04:LTS"},
      {"ubuntu 24.04", R"os(PRETTY_NAME="Ubuntu 24.04 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
)os",
       "ubuntu", "24.04", "Ubuntu:24.04:LTS"},
      {"ubuntu 23.10 (interim)", R"os(PRETTY_NAME="Ubuntu 23.10"
NAME="Ubuntu"
VERSION_ID="23.10"
VERSION="23.10 (Mantic Minotaur)"
VERSION_CODENAME=mantic
ID=ubuntu
ID_LIKE=debian
UBUNTU_CODENAME=mantic
)os",
       "ubuntu", "23.10", "Ubuntu:23.10"},
      {"ubuntu 14.04 (LTS only in PRETTY_NAME)", R"os(NAME="Ubuntu"
VERSION="14.04, Trusty Tahr"
ID=ubuntu
ID_LIKE=debian
PRETTY_NAME="Ubuntu 14.04 LTS"
VERSION_ID="14.04"
HOME_URL="http://www.ubuntu.com/"
)os",
       "ubuntu", "14.04", "Ubuntu:14.04:LTS"},
      {"ubuntu 6.06 (LTS not in April)", "ID=ubuntu\nVERSION_ID=6.06\nVERSION=\"6.06 LTS\"\n",
       "ubuntu", "6.06", "Ubuntu:6.06:LTS"},
      {"ubuntu stripped, even-year April", "ID=ubuntu\nVERSION_ID=20.04\n", "ubuntu", "20.04",
       "Ubuntu:20.04:LTS"},
      {"ubuntu stripped, odd-year April", "ID=ubuntu\nVERSION_ID=21.04\n", "ubuntu", "21.04",
       "Ubuntu:21.04"},
      {"alpine 3.19.1", R"os(NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.19.1
PRETTY_NAME="Alpine Linux v3.19"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
)os",
       "alpine", "3.19.1", "Alpine:v3.19"},
      {"alpine edge", R"os(NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.20.0_alpha20240329
PRETTY_NAME="Alpine Linux edge"
)os",
       "alpine", "3.20.0_alpha20240329", "Alpine:v3.20"},
      {"alpine without version", "ID=alpine\n", "alpine", "", "Alpine"},
      {"almalinux 9.3", R"os(NAME="AlmaLinux"
VERSION="9.3 (Shamrock Pampas Cat)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="AlmaLinux 9.3 (Shamrock Pampas Cat)"
ANSI_COLOR="0;34"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:almalinux:almalinux:9::baseos"
HOME_URL="https://almalinux.org/"
)os",
       "almalinux", "9.3", "AlmaLinux:9"},
      {"rocky 8.9", R"os(NAME="Rocky Linux"
VERSION="8.9 (Green Obsidian)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="8.9"
PLATFORM_ID="platform:el8"
PRETTY_NAME="Rocky Linux 8.9 (Green Obsidian)"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:rocky:rocky:8:GA"
)os",
       "rocky", "8.9", "Rocky Linux:8"},
      {"rhel 9.3", R"os(NAME="Red Hat Enterprise Linux"
VERSION="9.3 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"
ANSI_COLOR="0;31"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
)os",
       "rhel", "9.3", "Red Hat:enterprise_linux:9"},
      {"opensuse leap 15.5", R"os(NAME="openSUSE Leap"
VERSION="15.5"
ID="opensuse-leap"
ID_LIKE="suse opensuse"
VERSION_ID="15.5"
PRETTY_NAME="openSUSE Leap 15.5"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:opensuse:leap:15.5"
)os",
       "opensuse-leap", "15.5", "openSUSE:Leap 15.5"},
      {"opensuse tumbleweed", R"os(NAME="openSUSE Tumbleweed"
# VERSION="20240101"
ID="opensuse-tumbleweed"
ID_LIKE="opensuse suse"
VERSION_ID="20240101"
PRETTY_NAME="openSUSE Tumbleweed"
)os",
       "opensuse-tumbleweed", "20240101", "openSUSE:Tumbleweed"},
      {"sles 15 sp5", R"os(NAME="SLES"
VERSION="15-SP5"
VERSION_ID="15.5"
PRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"
ID="sles"
ID_LIKE="suse"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:suse:sles:15:sp5"
)os",
       "sles", "15.5", "SUSE:Linux Enterprise Server 15 SP5"},
      {"wolfi", R"os(ID=wolfi
NAME="Wolfi"
PRETTY_NAME="Wolfi"
VERSION_ID="20230201"
HOME_URL="https://wolfi.dev"
)os",
       "wolfi", "20230201", "Wolfi"},
      {"chainguard", R"os(ID=chainguard
NAME="Chainguard"
PRETTY_NAME="Chainguard"
VERSION_ID="20230214"
)os",
       "chainguard", "20230214", "Chainguard"},
      {"linux mint (derivative: no ecosystem)", R"os(NAME="Linux Mint"
VERSION="21.2 (Victoria)"
ID=linuxmint
ID_LIKE="ubuntu debian"
PRETTY_NAME="Linux Mint 21.2"
VERSION_ID="21.2"
)os",
       "linuxmint", "21.2", ""},
      {"no ID", "VERSION_CODENAME=bookworm\n", "", "", ""},
      {"empty", "", "", "", ""},
  };
  return cases;
}

TEST(OsReleaseTest, Ecosystems) {
  for (const auto& tc : EcosystemCases()) {
    SCOPED_TRACE(tc.name);
    auto os = ParseOsRelease(tc.text);
    ASSERT_TRUE(os.ok()) << os.status().ToString();
    EXPECT_EQ(os->id, tc.id);
    EXPECT_EQ(os->version_id, tc.version_id);
    EXPECT_EQ(os->ecosystem, tc.ecosystem);
    EXPECT_EQ(OsvEcosystem(*os), tc.ecosystem);
  }
}

TEST(OsReleaseTest, Fields) {
  auto os = ParseOsRelease(EcosystemCases()[4].text);  // ubuntu 22.04
  ASSERT_TRUE(os.ok());
  EXPECT_EQ(os->name, "Ubuntu");
  EXPECT_EQ(os->version, "22.04.4 LTS (Jammy Jellyfish)");
  EXPECT_EQ(os->version_codename, "jammy");
  EXPECT_EQ(os->pretty_name, "Ubuntu 22.04.4 LTS");
  EXPECT_EQ(os->id_like, std::vector<std::string>{"debian"});
  EXPECT_EQ(os->fields.at("UBUNTU_CODENAME"), "jammy");

  auto alma = ParseOsRelease(EcosystemCases()[14].text);
  ASSERT_TRUE(alma.ok());
  EXPECT_EQ(alma->id_like, (std::vector<std::string>{"rhel", "centos", "fedora"}));
}

TEST(OsReleaseTest, ShellQuoting) {
  struct Case {
    std::string name, text, key, want;
  };
  std::vector<Case> cases = {
      {"unquoted", "A=plain\n", "A", "plain"},
      {"double quoted", "A=\"two words\"\n", "A", "two words"},
      {"single quoted is literal", "A='a \\\"b\\\" $c'\n", "A", "a \\\"b\\\" $c"},
      {"double-quote escapes", R"os(A="q\"uote \$HOME back\\slash tick\` other\x")os", "A",
       "q\"uote $HOME back\\slash tick` other\\x"},
      {"unquoted escape", "A=foo\\ bar\n", "A", "foo bar"},
      {"concatenation", "A=ab'c d'\"e\"f\n", "A", "abc def"},
      {"trailing blanks dropped", "A=value   \n", "A", "value"},
      {"inner blanks of a lenient unquoted value kept", "A=Foo Bar\n", "A", "Foo Bar"},
      {"blanks kept inside quotes", "A=\"x  \"\n", "A", "x  "},
      {"empty", "A=\n", "A", ""},
      {"empty quotes", "A=\"\"\n", "A", ""},
      {"crlf", "A=\"v\"\r\nB=w\r\n", "B", "w"},
      {"blanks around =", "A = \"v\"\n", "A", "v"},
      {"multi-line double quote", "A=\"one\ntwo\"\nB=x\n", "A", "one\ntwo"},
      {"line continuation", "A=one\\\ntwo\n", "A", "onetwo"},
      {"later assignment wins", "A=1\nA=2\n", "A", "2"},
      {"unterminated quote takes the rest", "A=\"open", "A", "open"},
      {"comment and junk skipped", "# c\n\n  junk line\n1X=y\nA=ok\n", "A", "ok"},
      {"no trailing newline", "A=last", "A", "last"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto os = ParseOsRelease(tc.text);
    ASSERT_TRUE(os.ok()) << os.status().ToString();
    auto it = os->fields.find(tc.key);
    ASSERT_NE(it, os->fields.end());
    EXPECT_EQ(it->second, tc.want);
  }
  auto os = ParseOsRelease("# c\njunk\n1X=y\nA=ok\n");
  ASSERT_TRUE(os.ok());
  EXPECT_EQ(os->fields.size(), 1u);
}

TEST(OsReleaseTest, RejectsTextWithoutAssignments) {
  for (std::string text : {"not an os-release file\n", "# only a comment\n", "=\n"}) {
    SCOPED_TRACE(text);
    auto os = ParseOsRelease(text);
    ASSERT_FALSE(os.ok());
    EXPECT_EQ(os.status().code(), base::Code::kInvalidArgument);
  }
  EXPECT_TRUE(ParseOsRelease("").ok());
  EXPECT_TRUE(ParseOsRelease(" \n\n").ok());
}

// The os-release files of the shared scan targets: the folder name says the distribution.
TEST(OsReleaseTest, ScanTargets) {
  auto data = testing::SharedDataDir();
  if (!data || !std::filesystem::is_directory(*data / "scan-targets")) {
    GTEST_SKIP() << "shared scan-targets absent";
  }
  struct Target {
    const char* dir;
    const char* ecosystem;
  };
  const Target targets[] = {
      {"alpine3.3-min-node", "Alpine:v3.3"},
      {"alpine3.4-haconiwa-image", "Alpine:v3.4"},
      {"debian8-jira-image", "Debian:8"},
      {"debian9-glpi-image", "Debian:9"},
      {"debian10-drupal-image", "Debian:10"},
      {"debian11-flask-image", "Debian:11"},
      {"debian12-this-machine", "Debian:12"},
      {"ubuntu14.04-base-armhf", "Ubuntu:14.04:LTS"},
      {"ubuntu18.04-c11-image", "Ubuntu:18.04:LTS"},
  };
  for (const auto& t : targets) {
    SCOPED_TRACE(t.dir);
    auto path = *data / "scan-targets" / t.dir / "etc" / "os-release";
    if (!std::filesystem::exists(path)) continue;
    auto text = base::ReadFile(path);
    ASSERT_TRUE(text.ok());
    auto os = ParseOsRelease(*text);
    ASSERT_TRUE(os.ok()) << os.status().ToString();
    EXPECT_EQ(os->ecosystem, t.ecosystem);
  }
}

}  // namespace
}  // namespace assay::inventory
