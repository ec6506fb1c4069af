// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "cli/sbom_cmd.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/file.h"

namespace assay::cli {
namespace {

namespace stdfs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kStatus = R"(Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1

Package: adduser
Status: install ok installed
Architecture: all
Version: 3.134
)";

SbomOptions Opts(std::string path, std::string lockfile, std::string format = "json",
                 std::string output = "") {
  SbomOptions o;
  o.path = std::move(path);
  o.lockfile = std::move(lockfile);
  o.format = std::move(format);
  o.output = std::move(output);
  return o;
}

class SbomCmdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tmp = base::TempDir::Create("assay-sbom-test");
    ASSERT_TRUE(tmp.ok()) << tmp.status().ToString();
    tmp_.emplace(std::move(tmp).value());
  }
  stdfs::path Write(const std::string& rel, std::string_view text) {
    stdfs::path p = tmp_->path() / rel;
    stdfs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::optional<base::TempDir> tmp_;
};

TEST_F(SbomCmdTest, LockfileDpkgStatus) {
  stdfs::path status = Write("status", kStatus);
  SbomOutcome out = RunSbom(Opts("", "dpkg-status:" + status.string()));
  ASSERT_EQ(out.exit_code, 0) << out.error;
  json doc = json::parse(out.document);
  EXPECT_EQ(doc["os"]["id"], "");
  EXPECT_EQ(doc["os"]["ecosystem"], "");
  ASSERT_EQ(doc["packages"].size(), 2u);
  // Sorted by name within the ecosystem, whatever the file order.
  EXPECT_EQ(doc["packages"][0]["name"], "adduser");
  EXPECT_EQ(doc["packages"][1]["name"], "zlib1g");
  EXPECT_EQ(doc["packages"][1]["version"], "1:1.2.13.dfsg-1");
  EXPECT_EQ(doc["packages"][1]["sourceName"], "zlib");
  EXPECT_EQ(doc["packages"][1]["ecosystem"], "Debian");
  EXPECT_EQ(doc["packages"][1]["path"], status.string());
  EXPECT_EQ(doc["warnings"], json::array());
  EXPECT_EQ(doc["collectors"], json::array({"dpkg-status@1"}));
}

// `--lockfile` reads the files the lockfile refers to from its directory and below: a
// requirements.txt's -r / -c includes, nothing above that directory.
TEST_F(SbomCmdTest, LockfileFollowsIncludesBesideIt) {
  Write("proj/requirements/base.txt", "django==4.2\n");
  Write("proj/constraints.txt", "requests==2.31.0\n");
  Write("secret.txt", "leaked==1.0\n");
  stdfs::path req = Write("proj/requirements.txt",
                          "-r requirements/base.txt\n-c constraints.txt\nrequests\n"
                          "-r ../secret.txt\nflask==2.0\n");
  SbomOutcome out = RunSbom(Opts("", "requirements-txt:" + req.string()));
  ASSERT_EQ(out.exit_code, 0) << out.error;
  json doc = json::parse(out.document);
  std::vector<std::string> got;
  for (const json& p : doc["packages"]) {
    got.push_back(p["name"].get<std::string>() + "@" + p["version"].get<std::string>() + " " +
                  p["path"].get<std::string>());
  }
  const std::string dir = (tmp_->path() / "proj").string();
  EXPECT_EQ(got, (std::vector<std::string>{"django@4.2 " + dir + "/requirements/base.txt",
                                           "flask@2.0 " + req.string(),
                                           "requests@2.31.0 " + dir + "/constraints.txt"}));
  ASSERT_EQ(doc["warnings"].size(), 1u);
  EXPECT_EQ(doc["warnings"][0]["location"], req.string() + ":4");
  EXPECT_NE(doc["warnings"][0]["message"].get<std::string>().find("outside the directory"),
            std::string::npos)
      << doc["warnings"].dump();
}

TEST_F(SbomCmdTest, OutputFile) {
  stdfs::path status = Write("status", kStatus);
  stdfs::path dest = tmp_->path() / "sbom.json";
  SbomOutcome out = RunSbom(Opts("", "dpkg-status:" + status.string(), "json", dest));
  ASSERT_EQ(out.exit_code, 0) << out.error;
  EXPECT_TRUE(out.document.empty());
  auto written = base::ReadFile(dest);
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(json::parse(*written)["packages"].size(), 2u);

  SbomOutcome bad =
      RunSbom(Opts("", "dpkg-status:" + status.string(), "json", tmp_->path() / "no/dir/x"));
  EXPECT_EQ(bad.exit_code, 1);
}

TEST_F(SbomCmdTest, Directory) {
  Write("root/etc/os-release", "ID=debian\nVERSION_ID=12\nVERSION_CODENAME=bookworm\n");
  Write("root/var/lib/dpkg/status", kStatus);
  SbomOutcome out = RunSbom(Opts((tmp_->path() / "root").string(), ""));
  ASSERT_EQ(out.exit_code, 0) << out.error;
  json doc = json::parse(out.document);
  EXPECT_EQ(doc["os"]["ecosystem"], "Debian:12");
  ASSERT_EQ(doc["packages"].size(), 2u);
  EXPECT_EQ(doc["packages"][0]["ecosystem"], "Debian:12");
  EXPECT_EQ(doc["packages"][0]["path"], "var/lib/dpkg/status");
}

SbomOptions ImageOpts(std::string ref, std::string path = "") {
  SbomOptions o;
  o.image = std::move(ref);
  o.path = std::move(path);
  o.image_args.no_cache = true;
  return o;
}

TEST_F(SbomCmdTest, Errors) {
  stdfs::path status = Write("status", kStatus);
  stdfs::path file = Write("plain", "x");
  struct Case {
    std::string name;
    SbomOptions options;
    int exit_code;
    std::string error_prefix;
  };
  const std::vector<Case> cases = {
      {"nothing", Opts("", ""), 2, "give either a PATH"},
      {"both", Opts("/", "dpkg-status:" + status.string()), 2, "give either a PATH"},
      {"unknown type", Opts("", "cocoapods-lock:" + status.string()), 2,
       "unknown lockfile type 'cocoapods-lock' (known: dpkg-status, apk-installed"},
      {"no colon", Opts("", status.string()), 2, "--lockfile expects TYPE:FILE"},
      {"missing lockfile", Opts("", "dpkg-status:" + (tmp_->path() / "nope").string()), 2,
       (tmp_->path() / "nope").string() + ": no such file"},
      {"lockfile is a directory", Opts("", "dpkg-status:" + tmp_->path().string()), 2,
       tmp_->path().string() + ": is a directory"},
      {"wrong type of file", Opts("", "apk-installed:" + file.string()), 2, file.string() + ": "},
      {"missing PATH", Opts((tmp_->path() / "absent").string(), ""), 2,
       (tmp_->path() / "absent").string() + ": no such directory"},
      {"PATH is a file", Opts(file.string(), ""), 2, file.string() + ": not a directory"},
      {"unknown format", Opts("/", "", "xml"), 2,
       "unknown format 'xml' (known: json, cyclonedx, spdx)"},
      {"image and PATH", ImageOpts("oci:/x", "/"), 2, "give either a PATH"},
      {"not an image reference", ImageOpts("debian"), 2, "'debian' is not an image reference"},
      {"missing layout", ImageOpts("oci:" + (tmp_->path() / "none").string()), 2,
       (tmp_->path() / "none").string() + ": no such OCI layout directory"},
      {"directory without oci-layout", ImageOpts("oci:" + tmp_->path().string()), 2,
       tmp_->path().string() + ": not an OCI image layout"},
      {"missing archive", ImageOpts("docker-archive:" + (tmp_->path() / "x.tar").string()), 2,
       (tmp_->path() / "x.tar").string() + ": no such archive"},
      {"archive is not a tar", ImageOpts("oci-archive:" + file.string()), 2,
       file.string() + ": not a tar archive"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    SbomOutcome out = RunSbom(tc.options);
    EXPECT_EQ(out.exit_code, tc.exit_code);
    EXPECT_EQ(out.error.rfind(tc.error_prefix, 0), 0u) << out.error;
    EXPECT_TRUE(out.document.empty());
  }
}

TEST_F(SbomCmdTest, CycloneDxAndSpdx) {
  Write("root/etc/os-release", "ID=debian\nVERSION_ID=12\nVERSION_CODENAME=bookworm\n");
  Write("root/var/lib/dpkg/status", kStatus);
  SbomOptions cdx_opts = Opts((tmp_->path() / "root").string(), "", "cyclonedx");
  cdx_opts.now = "2024-05-01T12:00:00Z";
  SbomOutcome cdx = RunSbom(cdx_opts);
  ASSERT_EQ(cdx.exit_code, 0) << cdx.error;
  json bom = json::parse(cdx.document);
  EXPECT_EQ(bom["bomFormat"], "CycloneDX");
  EXPECT_EQ(bom["specVersion"], "1.5");
  EXPECT_EQ(bom["metadata"]["timestamp"], "2024-05-01T12:00:00Z");
  EXPECT_EQ(bom["metadata"]["component"]["type"], "container");
  EXPECT_EQ(bom["metadata"]["component"]["name"], (tmp_->path() / "root").string());
  ASSERT_EQ(bom["components"].size(), 3u);
  EXPECT_EQ(bom["components"][0]["type"], "operating-system");
  EXPECT_EQ(bom["components"][1]["name"], "adduser");
  EXPECT_EQ(bom["components"][2]["bom-ref"], bom["components"][2]["purl"]);
  EXPECT_FALSE(bom.contains("vulnerabilities"));

  SbomOptions spdx_opts = cdx_opts;
  spdx_opts.format = "spdx";
  SbomOutcome spdx = RunSbom(spdx_opts);
  ASSERT_EQ(spdx.exit_code, 0) << spdx.error;
  json doc = json::parse(spdx.document);
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["creationInfo"]["created"], "2024-05-01T12:00:00Z");
  EXPECT_EQ(doc["packages"].size(), 4u);  // the tree, the OS, two packages

  stdfs::path status = Write("status", kStatus);
  SbomOptions lock = Opts("", "dpkg-status:" + status.string(), "cyclonedx");
  SbomOutcome from_lockfile = RunSbom(lock);
  ASSERT_EQ(from_lockfile.exit_code, 0) << from_lockfile.error;
  json lock_bom = json::parse(from_lockfile.document);
  EXPECT_EQ(lock_bom["metadata"]["component"]["type"], "file");
  EXPECT_EQ(lock_bom["metadata"]["component"]["bom-ref"], "lockfile:" + status.string());
}

TEST(SbomFormatsTest, JsonIsRegistered) {
  ASSERT_FALSE(SbomFormats().empty());
  EXPECT_EQ(SbomFormats()[0].name, "json");
}

}  // namespace
}  // namespace assay::cli
