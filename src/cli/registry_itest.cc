// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Registry scanning against real components on loopback: Debian's docker-registry
// (distribution 2.8) started here with a config written here, its notifications pointed at the
// watcher's listener, and images made with umoci from tiny root filesystems (os-release, a dpkg
// status file, a Python dist-info METADATA) and pushed with skopeo. The advisory DB is built
// from handmade OSV zips through the real update path.
//  - a push triggers a scan: the result file appears, the state lists the image, the watcher's
//    own pulls are not counted as use, and the same digest pushed under another tag is not
//    scanned again;
//  - a pull (skopeo inspect) refreshes lastPulledAt;
//  - an image outside the rescan window is dropped (its result file stays) and a later pull
//    tracks it again;
//  - a new advisory DB build rescans the tracked images;
//  - `scan registry --all-tags` over three tags (two distinct images), one tag, the catalog,
//    and a missing repository;
//  - the `assay registry watch` executable behind a bearer token: a push gives a result, SIGTERM
//    exits 0.
// Each test starts its own registry in a private temporary directory and stops it by pid.
// Skipped when docker-registry, umoci or skopeo is missing.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "advisories/db.h"
#include "advisories/test_util.h"
#include "advisories/update.h"
#include "base/file.h"
#include "base/http.h"
#include "base/testing/process.h"
#include "cli/registry_watch.h"
#include "report/scan_result.h"

namespace assay::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kDay = 86400;

using assay::testing::FindBinary;
using assay::testing::Process;
using assay::testing::RunTool;
using assay::testing::Spawn;
using assay::testing::UnusedPort;
using assay::testing::WaitExit;

std::string MissingTools() {
  std::string missing;
  for (const char* tool : {"docker-registry", "umoci", "skopeo"}) {
    if (FindBinary(tool).empty()) missing += std::string(missing.empty() ? "" : ", ") + tool;
  }
  return missing;
}

// Polls `done` every 50 ms until it holds or `seconds` pass.
bool WaitFor(const std::function<bool()>& done, int seconds = 60) {
  auto deadline = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

std::int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr char kVulnerableStatus[] = R"(Package: openssl
Status: install ok installed
Architecture: amd64
Version: 3.0.11-1~deb12u2

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
)";

constexpr char kFixedStatus[] = R"(Package: openssl
Status: install ok installed
Architecture: amd64
Version: 3.0.13-1~deb12u1
)";

std::string DebianRecord(const std::string& id, const std::string& package,
                         const std::string& fixed, const std::string& alias) {
  return advisories::testing::Osv(id, {{"Debian:12", package, fixed}}, {alias},
                                  "2024-02-01T00:00:00Z", "", {},
                                  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
}

class RegistryScanTest : public ::testing::Test {
 protected:
  // Images and the advisory DB are made once for the suite.
  static void SetUpTestSuite() {
    missing_ = MissingTools();
    if (!missing_.empty()) return;
    auto t = base::TempDir::Create("assay-registry-itest");
    ASSERT_TRUE(t.ok());
    suite_dir_ = new base::TempDir(std::move(*t));
    const fs::path work = suite_dir_->path();
    // Two images: v1 (vulnerable openssl and zlib, requests 2.25.0), v2 (openssl fixed). Each is
    // an empty image unpacked, filled and repacked: `umoci insert` (0.4.7) leaves the layer's
    // tar without its final padding and end blocks, which readers rightly refuse.
    const std::string umoci = FindBinary("umoci");
    const std::string layout = (work / "layout").string();
    const fs::path log = work / "umoci.log";
    std::vector<std::string> rootless;
    if (::geteuid() != 0) rootless.push_back("--rootless");
    ASSERT_TRUE(RunTool({umoci, "init", "--layout", layout}, log));
    for (const char* tag : {"v1", "v2"}) {
      const std::string image = layout + ":" + tag;
      const fs::path bundle = work / (std::string("bundle-") + tag);
      auto with_rootless = [&](std::vector<std::string> argv) {
        argv.insert(argv.begin() + 2, rootless.begin(), rootless.end());
        return argv;
      };
      ASSERT_TRUE(RunTool({umoci, "new", "--image", image}, log));
      ASSERT_TRUE(
          RunTool(with_rootless({umoci, "unpack", "--image", image, bundle.string()}), log));
      const fs::path root = bundle / "rootfs";
      fs::create_directories(root / "etc");
      fs::create_directories(root / "var/lib/dpkg");
      std::ofstream(root / "etc/os-release")
          << "ID=debian\nVERSION_ID=12\nVERSION_CODENAME=bookworm\n";
      std::ofstream(root / "var/lib/dpkg/status")
          << (std::string(tag) == "v1" ? kVulnerableStatus : kFixedStatus);
      if (std::string(tag) == "v1") {
        fs::path meta = root / "usr/lib/python3/dist-packages/requests-2.25.0.dist-info";
        fs::create_directories(meta);
        std::ofstream(meta / "METADATA")
            << "Metadata-Version: 2.1\nName: requests\nVersion: 2.25.0\n";
      }
      ASSERT_TRUE(
          RunTool(with_rootless({umoci, "repack", "--image", image, bundle.string()}), log));
      ASSERT_TRUE(RunTool(
          {umoci, "config", "--image", image, "--os", "linux", "--architecture", "amd64"}, log));
    }
    ASSERT_TRUE(RunTool({umoci, "gc", "--layout", layout}, log));
    layout_ = new std::string(layout);
    db_ = new fs::path(work / "db" / "advisories.db");
    BuildDb(false);
  }

  static void TearDownTestSuite() {
    delete suite_dir_;
    suite_dir_ = nullptr;
    delete layout_;
    layout_ = nullptr;
    delete db_;
    db_ = nullptr;
  }

  // The suite's DB: openssl (DSA, fixed in 3.0.13), requests (PyPI, fixed in 2.31.0); `more`
  // adds an unfixed openssl advisory (a new build).
  static void BuildDb(bool more) {
    const fs::path mirror = suite_dir_->path() / "mirror";
    std::vector<std::pair<std::string, std::string>> debian = {
        {"DSA-5621-1", DebianRecord("DSA-5621-1", "openssl", "3.0.13-1~deb12u1", "CVE-2024-0727")},
    };
    if (more) {
      debian.push_back({"DEBIAN-CVE-2023-5678",
                        DebianRecord("DEBIAN-CVE-2023-5678", "openssl", "", "CVE-2023-5678")});
    }
    advisories::testing::WriteZip(mirror / "Debian" / "all.zip",
                                  advisories::testing::Entries(debian));
    advisories::testing::WriteZip(
        mirror / "PyPI" / "all.zip",
        advisories::testing::Entries(
            {{"GHSA-j8r2-6x86-q33q",
              advisories::testing::Osv("GHSA-j8r2-6x86-q33q", {{"PyPI", "requests", "2.31.0"}},
                                       {"CVE-2023-32681"}, "2024-01-01T00:00:00Z", "", {},
                                       "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:N/A:N")}}));
    advisories::testing::DirFeed feed(mirror);
    advisories::UpdateOptions u;
    u.db_path = *db_;
    u.import.threads = 1;
    auto r = advisories::UpdateDb(feed, u);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  static std::string BuildId() {
    auto db = advisories::AdvisoryDb::Open(*db_);
    if (!db.ok()) return "";
    auto info = (*db)->GetBuildInfo();
    return info.ok() ? info->build_id : "";
  }

  void SetUp() override {
    if (!missing_.empty()) GTEST_SKIP() << "missing " << missing_;
    ASSERT_NE(suite_dir_, nullptr);
    auto t = base::TempDir::Create("assay-registry-test");
    ASSERT_TRUE(t.ok());
    tmp_.emplace(std::move(*t));
    results_ = tmp_->path() / "results";
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (watcher_) watcher_->Stop(/*drain=*/false);
    registry_.Stop();
    server_.reset();
    watcher_.reset();
  }

  // Starts docker-registry on a free loopback port; notifications go to `hook_url` when given.
  void StartRegistry(const std::string& hook_url = "", const std::string& token = "") {
    port_ = UnusedPort();
    ASSERT_GT(port_, 0);
    host_ = "127.0.0.1:" + std::to_string(port_);
    fs::path dir = tmp_->path() / "registry";
    fs::create_directories(dir / "store");
    std::ofstream cfg(dir / "config.yml");
    cfg << "version: 0.1\n"
        << "log: {level: info}\n"
        << "storage: {filesystem: {rootdirectory: " << (dir / "store").string()
        << "}, delete: {enabled: true}}\n"
        << "http: {addr: " << host_ << "}\n";
    if (!hook_url.empty()) {
      cfg << "notifications:\n"
          << "  events: {includereferences: true}\n"
          << "  endpoints:\n"
          << "    - name: assay\n"
          << "      url: " << hook_url << "\n";
      if (!token.empty()) cfg << "      headers: {Authorization: [Bearer " << token << "]}\n";
      cfg << "      timeout: 2s\n"
          << "      threshold: 5\n"
          << "      backoff: 1s\n"
          << "      ignoredmediatypes: [application/octet-stream]\n";
    }
    cfg.close();
    registry_log_ = dir / "registry.log";
    registry_.Start({FindBinary("docker-registry"), "serve", (dir / "config.yml").string()},
                    registry_log_);
    base::HttpOptions http_opts;
    http_opts.max_attempts = 1;
    http_opts.connect_timeout = std::chrono::milliseconds(500);
    base::HttpClient http(http_opts);
    ASSERT_TRUE(WaitFor(
        [&] {
          auto r = http.Get("http://" + host_ + "/v2/");
          return r.ok() && r->status == 200;
        },
        20))
        << base::ReadFile(registry_log_).value_or("");
  }

  // A watcher with its listener on a free port and a clock `offset_` seconds ahead of the system.
  void StartWatcher(const std::string& window = "30d") {
    WatchOptions o;
    o.results_dir = results_;
    o.db = db_->string();
    o.window = *ParseRescanWindow(window);
    o.image.insecure = true;
    o.max_db_age_days = 0;
    std::shared_ptr<std::atomic<std::int64_t>> offset = offset_;
    o.now = [offset] { return SystemNow() + offset->load(); };
    auto w = RegistryWatcher::Create(std::move(o));
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    watcher_ = std::move(*w);
    watcher_->Start();
    auto s = WatchServer::Start(*watcher_, "127.0.0.1:0");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
  }

  ::testing::AssertionResult Push(const std::string& tag, const std::string& dest) {
    return RunTool({FindBinary("skopeo"), "copy", "--dest-tls-verify=false",
                    "oci:" + *layout_ + ":" + tag, "docker://" + host_ + "/" + dest},
                   tmp_->path() / "skopeo.log");
  }

  // A pull of the manifest by an ordinary client.
  ::testing::AssertionResult Pull(const std::string& ref) {
    return RunTool(
        {FindBinary("skopeo"), "inspect", "--tls-verify=false", "docker://" + host_ + "/" + ref},
        tmp_->path() / "skopeo.log");
  }

  std::optional<TrackedImage> Tracked(const std::string& repository) {
    for (const TrackedImage& t : watcher_->Snapshot().images) {
      if (t.repository == repository) return t;
    }
    return std::nullopt;
  }

  std::optional<TrackedImage> WaitScanned(const std::string& repository, int scans = 1) {
    bool ok = WaitFor([&] {
      auto t = Tracked(repository);
      return t && t->last_scanned_at > 0 && watcher_->Stats().scans_ok >= std::uint64_t(scans);
    });
    if (!ok) {
      ADD_FAILURE() << "no scan of " << repository
                    << "; state: " << WatchStateToJson(watcher_->Snapshot())
                    << "\nstats: " << watcher_->StatsJson() << "\nregistry log tail:\n"
                    << base::ReadFile(registry_log_).value_or("").substr(0, 4000);
      return std::nullopt;
    }
    return Tracked(repository);
  }

  json ResultOf(const TrackedImage& t) {
    auto rel = ResultRelativePath(t.repository, t.digest);
    EXPECT_TRUE(rel.ok());
    auto text = base::ReadFile(results_ / *rel);
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    return text.ok() ? json::parse(*text) : json();
  }

  static std::set<std::string> VulnIds(const json& scan) {
    std::set<std::string> out;
    for (const json& f : scan["findings"]) {
      out.insert(f["packageVulnerabilityDetails"]["vulnerabilityId"].get<std::string>());
    }
    return out;
  }

  static inline std::string missing_;
  static inline base::TempDir* suite_dir_ = nullptr;
  static inline std::string* layout_ = nullptr;
  static inline fs::path* db_ = nullptr;

  std::optional<base::TempDir> tmp_;
  fs::path results_;
  Process registry_;
  fs::path registry_log_;
  int port_ = 0;
  std::string host_;
  std::shared_ptr<std::atomic<std::int64_t>> offset_ =
      std::make_shared<std::atomic<std::int64_t>>(0);
  std::unique_ptr<RegistryWatcher> watcher_;
  std::unique_ptr<WatchServer> server_;
};

TEST_F(RegistryScanTest, APushTriggersAScan) {
  StartWatcher();
  StartRegistry(server_->url());
  ASSERT_TRUE(Push("v1", "team/app:v1"));
  auto t = WaitScanned("team/app");
  ASSERT_TRUE(t);
  EXPECT_THAT(t->tags, ElementsAre("v1"));
  EXPECT_EQ(t->registry, host_);
  EXPECT_GT(t->pushed_at, 0);
  EXPECT_EQ(t->last_pulled_at, 0) << "the watcher's own pulls are not use";
  EXPECT_EQ(t->db_build_id, BuildId());
  EXPECT_THAT(t->last_error, IsEmpty());

  json doc = ResultOf(*t);
  EXPECT_EQ(doc["resource"]["type"], "image");
  EXPECT_EQ(doc["resource"]["id"], "image:" + t->digest);
  EXPECT_EQ(VulnIds(doc), (std::set<std::string>{"CVE-2024-0727", "CVE-2023-32681"}));
  EXPECT_EQ(t->findings, 2);
  // The result file sits where the layout says, beside the state file.
  EXPECT_TRUE(fs::exists(results_ / "team%2Fapp" / (t->digest + ".json")));
  auto state = base::ReadFile(results_ / "watch-state.json");
  ASSERT_TRUE(state.ok());
  auto parsed = WatchStateFromJson(*state, "watch-state.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->images.size(), 1u);
  EXPECT_EQ(parsed->images[0].digest, t->digest);
  EXPECT_GT(parsed->images[0].last_scanned_at, 0);

  // The same image under another tag: tracked once, not scanned again.
  ASSERT_TRUE(Push("v1", "team/app:latest"));
  ASSERT_TRUE(WaitFor([&] {
    auto u = Tracked("team/app");
    return u && u->tags.size() == 2;
  })) << WatchStateToJson(watcher_->Snapshot());
  ASSERT_TRUE(watcher_->WaitIdle(std::chrono::seconds(30)));
  EXPECT_THAT(Tracked("team/app")->tags, ElementsAre("latest", "v1"));
  EXPECT_EQ(watcher_->Stats().scans_ok, 1u);
  EXPECT_EQ(watcher_->Snapshot().images.size(), 1u);
  EXPECT_EQ(watcher_->Stats().rejected, 0u);
}

TEST_F(RegistryScanTest, APullEventUpdatesLastPulledAt) {
  StartWatcher();
  StartRegistry(server_->url());
  ASSERT_TRUE(Push("v2", "team/api:v2"));
  auto t = WaitScanned("team/api");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->last_pulled_at, 0);
  EXPECT_EQ(t->findings, 0);  // openssl fixed, no Python package

  offset_->store(3 * kDay);
  const std::int64_t before = SystemNow() + 3 * kDay;
  ASSERT_TRUE(Pull("team/api:v2"));
  ASSERT_TRUE(WaitFor([&] {
    auto u = Tracked("team/api");
    return u && u->last_pulled_at > 0;
  })) << WatchStateToJson(watcher_->Snapshot());
  auto u = Tracked("team/api");
  EXPECT_GE(u->last_pulled_at, before);
  EXPECT_LE(u->last_pulled_at, SystemNow() + 3 * kDay);
  EXPECT_EQ(u->pushed_at, t->pushed_at);
  // On disk too.
  auto state = WatchStateFromJson(base::ReadFile(results_ / "watch-state.json").value_or(""),
                                  "watch-state.json");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->images.at(0).last_pulled_at, u->last_pulled_at);
}

TEST_F(RegistryScanTest, AnImageOutsideTheWindowIsDropped) {
  StartWatcher("14d");
  StartRegistry(server_->url());
  ASSERT_TRUE(Push("v1", "team/old:v1"));
  auto t = WaitScanned("team/old");
  ASSERT_TRUE(t);
  ASSERT_TRUE(watcher_->WaitIdle(std::chrono::seconds(30)));

  offset_->store(13 * kDay);
  EXPECT_THAT(watcher_->Tick().dropped, IsEmpty());
  offset_->store(15 * kDay);
  TickReport r = watcher_->Tick();
  EXPECT_THAT(r.dropped, ElementsAre("team/old@" + t->digest));
  EXPECT_THAT(watcher_->Snapshot().images, IsEmpty());
  auto state = WatchStateFromJson(base::ReadFile(results_ / "watch-state.json").value_or(""),
                                  "watch-state.json");
  ASSERT_TRUE(state.ok());
  EXPECT_THAT(state->images, IsEmpty());
  // The last evaluation stays readable.
  EXPECT_TRUE(fs::exists(results_ / *ResultRelativePath("team/old", t->digest)));

  // A pull is use again: tracked anew (pull time only) and scanned.
  ASSERT_TRUE(Pull("team/old:v1"));
  auto again = WaitScanned("team/old", 2);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->pushed_at, 0);
  EXPECT_GE(again->last_pulled_at, SystemNow() + 15 * kDay - 60);
}

TEST_F(RegistryScanTest, ANewDbBuildRescansTrackedImages) {
  StartWatcher();
  StartRegistry(server_->url());
  ASSERT_TRUE(Push("v2", "team/fixed:v2"));
  auto t = WaitScanned("team/fixed");
  ASSERT_TRUE(t);
  ASSERT_TRUE(watcher_->WaitIdle(std::chrono::seconds(30)));
  EXPECT_EQ(VulnIds(ResultOf(*t)), std::set<std::string>{});
  const std::string old_build = t->db_build_id;

  EXPECT_EQ(watcher_->Tick().queued, 0u);
  BuildDb(/*more=*/true);
  TickReport r = watcher_->Tick();
  EXPECT_TRUE(r.db_changed);
  EXPECT_EQ(r.queued, 1u);
  ASSERT_TRUE(watcher_->WaitIdle(std::chrono::seconds(60)));
  auto u = Tracked("team/fixed");
  ASSERT_TRUE(u);
  EXPECT_NE(u->db_build_id, old_build);
  EXPECT_EQ(u->db_build_id, BuildId());
  EXPECT_EQ(VulnIds(ResultOf(*u)), std::set<std::string>{"CVE-2023-5678"});
  EXPECT_EQ(watcher_->Stats().scans_ok, 2u);
  BuildDb(/*more=*/false);  // the suite's DB as the other tests expect it
}

TEST_F(RegistryScanTest, ScanRegistryAllTags) {
  StartRegistry();
  ASSERT_TRUE(Push("v1", "team/app:v1"));
  ASSERT_TRUE(Push("v2", "team/app:v2"));
  ASSERT_TRUE(Push("v1", "team/app:latest"));
  ASSERT_TRUE(Push("v2", "other/tool:1.0"));

  ScanRegistryOptions o;
  o.scan.path = host_ + "/team/app";
  o.scan.db = db_->string();
  o.scan.format = "json";
  o.scan.image.insecure = true;
  o.scan.image.cache_dir = (tmp_->path() / "cache").string();
  o.scan.now = "2026-01-01T00:00:00Z";
  o.scan.max_db_age_days = 0;
  o.all_tags = true;
  o.parallel = 2;
  ScanOutcome out = RunScanRegistry(o);
  ASSERT_EQ(out.exit_code, 0) << out.error;
  json doc = json::parse(out.document);
  EXPECT_EQ(doc["registry"], host_);
  ASSERT_EQ(doc["images"].size(), 3u);
  std::vector<std::string> tags;
  for (const json& img : doc["images"]) tags.push_back(img["tag"]);
  EXPECT_THAT(tags, ElementsAre("latest", "v1", "v2"));
  const json& latest = doc["images"][0];
  const json& v1 = doc["images"][1];
  const json& v2 = doc["images"][2];
  EXPECT_EQ(latest["digest"], v1["digest"]);
  EXPECT_NE(v1["digest"], v2["digest"]);
  EXPECT_EQ(v1["reference"], host_ + "/team/app:v1");
  EXPECT_EQ(v1["scan"]["resource"]["path"], host_ + "/team/app:v1");
  EXPECT_EQ(VulnIds(v1["scan"]), (std::set<std::string>{"CVE-2024-0727", "CVE-2023-32681"}));
  EXPECT_EQ(VulnIds(latest["scan"]), VulnIds(v1["scan"]));
  EXPECT_THAT(VulnIds(v2["scan"]), IsEmpty());
  EXPECT_EQ(doc["summary"]["images"], 3);
  EXPECT_EQ(doc["summary"]["scanned"], 2);  // latest and v1 share one scan
  EXPECT_EQ(doc["summary"]["failed"], 0);
  EXPECT_EQ(doc["summary"]["total"], 2);

  // Table: a heading per tag and one summary line; --exit-code when findings remain.
  o.scan.format = "table";
  o.scan.exit_code = 3;
  out = RunScanRegistry(o);
  EXPECT_EQ(out.exit_code, 3) << out.error;
  EXPECT_THAT(out.document, HasSubstr(host_ + "/team/app:v2  sha256:"));
  EXPECT_THAT(out.document, HasSubstr("3 images (2 distinct) scanned from " + host_));
  // --severity filters what counts.
  o.scan.severity = "LOW";
  EXPECT_EQ(RunScanRegistry(o).exit_code, 0);
  o.scan.severity.clear();

  // One tag.
  o.all_tags = false;
  o.scan.format = "json";
  o.scan.path = host_ + "/team/app:v2";
  out = RunScanRegistry(o);
  ASSERT_EQ(out.exit_code, 0) << out.error;
  doc = json::parse(out.document);
  ASSERT_EQ(doc["images"].size(), 1u);
  EXPECT_EQ(doc["images"][0]["tag"], "v2");

  // The catalog: every tag of every repository.
  o.all_tags = true;
  o.scan.path = host_;
  out = RunScanRegistry(o);
  ASSERT_EQ(out.exit_code, 3) << out.error;
  doc = json::parse(out.document);
  std::vector<std::string> refs;
  for (const json& img : doc["images"]) refs.push_back(img["reference"]);
  EXPECT_THAT(refs, ElementsAre(host_ + "/other/tool:1.0", host_ + "/team/app:latest",
                                host_ + "/team/app:v1", host_ + "/team/app:v2"));
  EXPECT_EQ(doc["summary"]["scanned"], 3);  // other/tool is another repository

  // Input problems: exit 2.
  o.scan.path = host_ + "/no/such";
  out = RunScanRegistry(o);
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_THAT(out.error, HasSubstr("no/such"));
  o.all_tags = false;
  o.scan.path = host_ + "/team/app:v9";
  EXPECT_EQ(RunScanRegistry(o).exit_code, 2);
  o.scan.path = host_;
  EXPECT_EQ(RunScanRegistry(o).exit_code, 2);  // HOST needs --all-tags
  o.all_tags = true;
  o.scan.path = host_ + "/team/app:v1";
  EXPECT_EQ(RunScanRegistry(o).exit_code, 2);  // --all-tags with a tag
}

// The executable: `assay registry watch` behind a bearer token, stopped by SIGTERM.
TEST_F(RegistryScanTest, TheWatchVerbScansAPushAndStopsOnSigterm) {
  const fs::path assay = fs::path(ASSAY_BINARY_DIR) / "src" / "cli" / "assay";
  if (::access(assay.c_str(), X_OK) != 0) GTEST_SKIP() << assay << " is not built";
  const int port = UnusedPort();
  const std::string token = "t0ken-" + std::to_string(::getpid());
  const fs::path log = tmp_->path() / "watch.log";
  Process watch;
  watch.Start(
      {assay.string(), "-v", "registry", "watch", "--listen", "127.0.0.1:" + std::to_string(port),
       "--results", results_.string(), "--db", db_->string(), "--insecure", "--token", token,
       "--check-interval", "1s", "--max-db-age", "0"},
      log);
  ASSERT_TRUE(WaitFor(
      [&] { return base::ReadFile(log).value_or("").find("listening on") != std::string::npos; },
      20))
      << base::ReadFile(log).value_or("");
  StartRegistry("http://127.0.0.1:" + std::to_string(port) + "/registry-events", token);
  ASSERT_TRUE(Push("v1", "cli/app:v1"));
  fs::path dir = results_ / "cli%2Fapp";
  ASSERT_TRUE(WaitFor([&] {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return false;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".json") return true;
    }
    return false;
  })) << base::ReadFile(log).value_or("");
  EXPECT_EQ(watch.Stop(), 0) << base::ReadFile(log).value_or("");
  std::string text = base::ReadFile(log).value_or("");
  EXPECT_THAT(text, HasSubstr(" 1 scans, 0 failed)"));
  auto state = WatchStateFromJson(base::ReadFile(results_ / "watch-state.json").value_or(""),
                                  "watch-state.json");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->images.size(), 1u);
  EXPECT_THAT(state->images[0].tags, ElementsAre("v1"));
  EXPECT_EQ(state->images[0].findings, 2);
}

}  // namespace
}  // namespace assay::cli
