// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The advisory DB against the whole shared OSV mirror (../shared/data): a directory import whose
// per-source counts match the zips (counted here independently with libzip) and the mirror's
// manifest; the same import over HTTP from a loopback server (the real libcurl path); and the
// built `assay` binary killed with SIGKILL in the middle of an update. Skipped when the shared
// data is absent.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "advisories/db.h"
#include "advisories/feed.h"
#include "advisories/test_util.h"
#include "advisories/update.h"
#include "base/file.h"
#include "base/testing/conformance.h"

namespace assay::advisories {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::optional<fs::path> Mirror() {
  auto data = assay::testing::SharedDataDir();
  if (!data || !fs::is_directory(*data / "osv-mirror")) return std::nullopt;
  return *data / "osv-mirror";
}

// `*.json` entries per `<Ecosystem>/all.zip`, counted with libzip directly.
std::map<std::string, std::int64_t> CountZips(const fs::path& mirror) {
  std::map<std::string, std::int64_t> out;
  for (const auto& e : fs::directory_iterator(mirror)) {
    fs::path zip = e.path() / "all.zip";
    if (!fs::exists(zip)) continue;
    int err = 0;
    zip_t* z = zip_open(zip.c_str(), ZIP_RDONLY, &err);
    EXPECT_NE(z, nullptr) << zip;
    if (z == nullptr) continue;
    std::int64_t n = 0;
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
      std::string name = zip_get_name(z, static_cast<zip_uint64_t>(i), 0);
      if (name.size() > 5 && name.substr(name.size() - 5) == ".json") ++n;
    }
    zip_discard(z);
    out[e.path().filename().string()] = n;
  }
  return out;
}

std::vector<std::string> Names(const std::map<std::string, std::int64_t>& m) {
  std::vector<std::string> out;
  for (const auto& [k, _] : m) out.push_back(k);
  return out;
}

std::unique_ptr<base::TempDir> MakeTemp() {
  auto t = base::TempDir::Create("assay-db-itest");
  EXPECT_TRUE(t.ok());
  return t.ok() ? std::make_unique<base::TempDir>(std::move(*t)) : nullptr;
}

base::Result<UpdateResult> UpdateFrom(const std::string& mirror, const fs::path& db,
                                      const std::vector<std::string>& ecosystems = {}) {
  ASSAY_ASSIGN_OR_RETURN(auto source, MakeFeedSource(mirror, /*progress=*/false));
  UpdateOptions o;
  o.db_path = db;
  o.ecosystems = ecosystems;
  return UpdateDb(*source, o);
}

DbStatus StatusOf(const fs::path& db) {
  auto d = AdvisoryDb::Open(db);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  if (!d.ok()) return {};
  auto s = (*d)->GetStatus();
  EXPECT_TRUE(s.ok());
  return s.ok() ? *s : DbStatus();
}

TEST(SharedMirrorTest, DirectoryImportCountsMatchTheZips) {
  auto mirror = Mirror();
  if (!mirror) GTEST_SKIP() << "../shared/data/osv-mirror is absent";
  auto tmp = MakeTemp();
  ASSERT_TRUE(tmp);
  fs::path db = tmp->path() / "advisories.db";
  auto expected = CountZips(*mirror);
  ASSERT_FALSE(expected.empty());

  auto start = Clock::now();
  auto r = UpdateFrom(mirror->string(), db);
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->warnings.empty()) << FormatWarning(r->warnings.front());

  DbStatus s = StatusOf(db);
  std::map<std::string, std::int64_t> got;
  std::int64_t total = 0;
  for (const SourceStatus& src : s.sources) {
    got[src.name] = src.record_count;
    EXPECT_EQ(src.entry_count, src.record_count) << src.name;
    EXPECT_EQ(src.warning_count, 0) << src.name;
    EXPECT_EQ(src.fingerprint.rfind("sha256:", 0), 0u) << src.fingerprint;
    total += src.record_count;
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(s.total_records, total);

  // The manifest's own count per zip.
  std::ifstream in(*mirror / "manifest.json");
  nlohmann::json manifest = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(manifest.is_object());
  std::printf("\n%-12s %9s %9s %9s\n", "source", "zip", "manifest", "imported");
  for (const auto& [name, n] : expected) {
    std::int64_t m = -1;
    if (manifest.contains(name) && manifest[name].contains("count") &&
        manifest[name]["count"].is_number_integer()) {
      m = manifest[name]["count"].get<std::int64_t>();
      EXPECT_EQ(got[name], m) << name;
    }
    std::printf("%-12s %9lld %9lld %9lld\n", name.c_str(), static_cast<long long>(n),
                static_cast<long long>(m), static_cast<long long>(got[name]));
  }
  std::printf("%lld records in %.2f s\n", static_cast<long long>(total), secs);

  // The data is reachable the way the matcher asks for it.
  auto db_handle = AdvisoryDb::Open(db);
  ASSERT_TRUE(db_handle.ok());
  auto requests = (*db_handle)->Lookup("PyPI", "Requests");
  ASSERT_TRUE(requests.ok());
  EXPECT_FALSE(requests->empty());
  auto openssl = (*db_handle)->Lookup("Debian", "openssl", LookupScope::kBase);
  ASSERT_TRUE(openssl.ok());
  EXPECT_GT(openssl->size(), 10u);
  auto get = (*db_handle)->Get("RUSTSEC-2016-0001");
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_EQ(get->advisory.id, "RUSTSEC-2016-0001");

  // Enrichment from the shared directory: a new build carrying every feed over.
  auto data = assay::testing::SharedDataDir();
  if (fs::is_directory(*data / "enrichment")) {
    auto source = MakeFeedSource(mirror->string(), false);
    ASSERT_TRUE(source.ok());
    UpdateOptions o;
    o.db_path = db;
    fs::path dir = *data / "enrichment";
    o.load_enrichment = [dir] { return LoadEnrichmentDir(dir); };
    auto e = UpdateDb(**source, o);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_EQ(e->enrichment, "loaded");
    for (const auto& eco : e->ecosystems) {
      EXPECT_EQ(eco.state, EcosystemOutcome::State::kUnchanged) << eco.name;
    }
    DbStatus es = StatusOf(db);
    EXPECT_EQ(es.total_records, total);
    EXPECT_GT(es.enrichment.kev_entries, 1000);
    EXPECT_GT(es.enrichment.nvd_entries, 100000);
    EXPECT_FALSE(es.enrichment.kev_catalog_version.empty());
  }
}

// ---- loopback HTTP server -------------------------------------------------------------------

int UnusedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool Listening(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// Runs `argv` with stdout to `out` (or /dev/null) and stderr to /dev/null; returns the pid.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& out = "/dev/null") {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  int devnull = ::open("/dev/null", O_RDWR);
  int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(devnull, 0);
  ::dup2(o >= 0 ? o : devnull, 1);
  ::dup2(devnull, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

int Wait(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

class HttpServer {
 public:
  explicit HttpServer(const fs::path& dir) {
    port_ = UnusedPort();
    pid_ = Spawn({"/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1",
                  std::to_string(port_), "--directory", dir.string()});
    auto deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline && !Listening(port_)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~HttpServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      Wait(pid_);
    }
  }
  bool ok() const { return pid_ > 0 && Listening(port_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_ = -1;
  pid_t pid_ = -1;
};

TEST(SharedMirrorTest, HttpImportMatchesDirectoryImport) {
  auto mirror = Mirror();
  if (!mirror) GTEST_SKIP() << "../shared/data/osv-mirror is absent";
  if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "/usr/bin/python3 is absent";
  auto tmp = MakeTemp();
  ASSERT_TRUE(tmp);
  auto names = Names(CountZips(*mirror));

  ASSERT_TRUE(UpdateFrom(mirror->string(), tmp->path() / "dir.db").ok());
  HttpServer server(*mirror);
  ASSERT_TRUE(server.ok()) << "http.server did not start";
  auto r = UpdateFrom(server.url(), tmp->path() / "http.db", names);
  ASSERT_TRUE(r.ok()) << r.status().ToString();

  DbStatus by_dir = StatusOf(tmp->path() / "dir.db");
  DbStatus by_http = StatusOf(tmp->path() / "http.db");
  ASSERT_EQ(by_dir.sources.size(), by_http.sources.size());
  for (size_t i = 0; i < by_dir.sources.size(); ++i) {
    SCOPED_TRACE(by_dir.sources[i].name);
    EXPECT_EQ(by_http.sources[i].name, by_dir.sources[i].name);
    EXPECT_EQ(by_http.sources[i].fingerprint, by_dir.sources[i].fingerprint);
    EXPECT_EQ(by_http.sources[i].record_count, by_dir.sources[i].record_count);
    EXPECT_EQ(by_http.sources[i].url.rfind(server.url(), 0), 0u) << by_http.sources[i].url;
  }
  EXPECT_EQ(by_http.total_records, by_dir.total_records);
  EXPECT_EQ(by_http.ecosystems, by_dir.ecosystems);

  // Nothing changed on the server: the DB is left alone.
  auto before = testing::IdOf(tmp->path() / "http.db");
  auto again = UpdateFrom(server.url(), tmp->path() / "http.db", names);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->up_to_date);
  EXPECT_EQ(testing::IdOf(tmp->path() / "http.db"), before);
}

// ---- the built binary -----------------------------------------------------------------------

std::string AssayBinary() {
#ifdef ASSAY_BINARY_DIR
  return std::string(ASSAY_BINARY_DIR) + "/src/cli/assay";
#else
  return "";
#endif
}

TEST(SharedMirrorTest, KilledAssayUpdateLeavesThePreviousDbUsable) {
  auto mirror = Mirror();
  if (!mirror) GTEST_SKIP() << "../shared/data/osv-mirror is absent";
  std::string assay = AssayBinary();
  if (assay.empty() || !fs::exists(assay)) GTEST_SKIP() << "assay binary not built: " << assay;
  auto tmp = MakeTemp();
  ASSERT_TRUE(tmp);
  fs::path db = tmp->path() / "advisories.db";
  const std::string m = mirror->string();

  ASSERT_EQ(Wait(Spawn({assay, "db", "update", "--mirror", m, "--db", db.string(),
                        "--ecosystems", "crates.io", "--no-enrichment"})),
            0);
  std::string build = StatusOf(db).build_id;
  auto before = testing::IdOf(db);

  // Up to 3 tries: a try whose update finishes before the kill lands proves nothing.
  bool killed_mid_import = false;
  for (int attempt = 0; attempt < 3 && !killed_mid_import; ++attempt) {
    pid_t pid = Spawn({assay, "db", "update", "--mirror", m, "--db", db.string(),
                       "--no-enrichment", "--threads", "1"});
    auto deadline = Clock::now() + std::chrono::seconds(120);
    while (Clock::now() < deadline && testing::TempFilesOf(db).empty()) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (pid < 0) break;  // finished without ever writing a temporary: fails below
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(pid, SIGKILL);
    int rc = Wait(pid);
    killed_mid_import = rc == 128 + SIGKILL && !testing::TempFilesOf(db).empty();
    if (!killed_mid_import) {
      ASSERT_EQ(rc, 0);  // it completed: start again from the crates.io-only DB
      ASSERT_EQ(Wait(Spawn({assay, "db", "update", "--mirror", m, "--db", db.string(),
                            "--ecosystems", "crates.io", "--no-enrichment"})),
                0);
      build = StatusOf(db).build_id;
      before = testing::IdOf(db);
    }
  }
  ASSERT_TRUE(killed_mid_import);
  EXPECT_EQ(testing::IdOf(db), before);
  DbStatus after_kill = StatusOf(db);
  EXPECT_EQ(after_kill.build_id, build);
  ASSERT_EQ(after_kill.sources.size(), 1u);
  EXPECT_EQ(after_kill.sources[0].name, "crates.io");

  // The next update succeeds and removes the dead run's temporary file.
  fs::path old_copy = tmp->path() / "crates-only.db";
  fs::copy_file(db, old_copy);
  fs::path out = tmp->path() / "update.out";
  ASSERT_EQ(Wait(Spawn({assay, "db", "update", "--mirror", m, "--db", db.string(),
                        "--no-enrichment"},
                       out.string())),
            0);
  EXPECT_TRUE(testing::TempFilesOf(db).empty());
  DbStatus full = StatusOf(db);
  EXPECT_EQ(full.sources.size(), CountZips(*mirror).size());
  EXPECT_NE(full.build_id, build);
  std::string summary = testing::ReadAll(out);
  EXPECT_THAT(summary, ::testing::HasSubstr("crates.io      unchanged"));

  // The CLI's JSON views of the result.
  fs::path status_json = tmp->path() / "status.json";
  ASSERT_EQ(Wait(Spawn({assay, "db", "status", "--db", db.string(), "--format", "json"},
                       status_json.string())),
            0);
  nlohmann::json sj = nlohmann::json::parse(testing::ReadAll(status_json), nullptr, false);
  ASSERT_TRUE(sj.is_object());
  EXPECT_EQ(sj["build_id"], full.build_id);
  auto counts = CountZips(*mirror);
  ASSERT_EQ(sj["sources"].size(), counts.size());
  for (const auto& src : sj["sources"]) {
    std::string name = src["name"];
    EXPECT_EQ(src["record_count"].get<std::int64_t>(), counts[name]) << name;
    EXPECT_EQ(src["fingerprint"].get<std::string>().rfind("sha256:", 0), 0u);
  }
  EXPECT_GT(sj["ecosystems"].size(), 10u);

  fs::path diff_json = tmp->path() / "diff.json";
  ASSERT_EQ(Wait(Spawn({assay, "db", "diff", old_copy.string(), db.string(), "--format", "json"},
                       diff_json.string())),
            0);
  nlohmann::json dj = nlohmann::json::parse(testing::ReadAll(diff_json), nullptr, false);
  ASSERT_TRUE(dj.is_object());
  EXPECT_GT(dj["added"].size(), 50000u);
  EXPECT_TRUE(dj["changed"].empty());
  EXPECT_TRUE(dj["removed"].empty());
  EXPECT_GT(dj["withdrawn"].size(), 0u);  // withdrawn records new to the DB

  EXPECT_EQ(Wait(Spawn({assay, "db", "get", "NO-SUCH-ID", "--db", db.string()})), 2);
  EXPECT_EQ(Wait(Spawn({assay, "db", "status", "--db", (tmp->path() / "none.db").string()})),
            2);
  fs::path get_json = tmp->path() / "get.json";
  ASSERT_EQ(Wait(Spawn({assay, "db", "get", "RUSTSEC-2016-0001", "--db", db.string()},
                       get_json.string())),
            0);
  nlohmann::json gj = nlohmann::json::parse(testing::ReadAll(get_json), nullptr, false);
  ASSERT_TRUE(gj.is_object());
  EXPECT_EQ(gj["advisory"]["id"], "RUSTSEC-2016-0001");
  EXPECT_TRUE(gj["cvss"].is_array());
  EXPECT_TRUE(gj.contains("kev"));
}

}  // namespace
}  // namespace assay::advisories
