// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Test-only: a private PostgreSQL server for integration tests. Start() runs initdb (trust
// authentication, superuser `assay`) into a fresh temporary directory and starts `postgres` on
// 127.0.0.1 at an unused port, with its unix socket in that directory and fsync off; the
// destructor stops it (pg_ctl stop -m fast) and removes the directory. initdb and postgres refuse
// to run as root, so as root they run as `nobody` (setpriv, else runuser). The server dies with
// the test process. Not thread-safe; one server serves a whole test binary, NewDatabase() gives
// each test its own database.
//
//   if (!PostgresServer::Available()) GTEST_SKIP() << PostgresServer::UnavailableReason();
//   static PostgresServer server;  // started once
//   ASSERT_TRUE(server.Start());
//   std::string url;
//   ASSERT_TRUE(server.NewDatabase("t_roundtrip", &url));
#pragma once

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/file.h"
#include "base/testing/process.h"

namespace assay::testing {

class PostgresServer {
 public:
  PostgresServer() = default;
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  ~PostgresServer() { Stop(); }

  // The directory holding initdb, pg_ctl, postgres and createdb: that of `initdb` on $PATH
  // (symlinks resolved), else the newest /usr/lib/postgresql/<major>/bin; empty when none has
  // them all.
  static std::filesystem::path BinDir() {
    namespace fs = std::filesystem;
    auto complete = [](const fs::path& dir) {
      for (const char* b : {"initdb", "pg_ctl", "postgres", "createdb"}) {
        if (::access((dir / b).c_str(), X_OK) != 0) return false;
      }
      return true;
    };
    std::error_code ec;
    std::string on_path = FindBinary("initdb");
    if (!on_path.empty()) {
      fs::path dir = fs::canonical(on_path, ec).parent_path();
      if (!ec && complete(dir)) return dir;
    }
    std::vector<std::pair<int, fs::path>> versions;
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
      const std::string v = e.path().filename().string();
      if (!v.empty() &&
          std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          complete(e.path() / "bin")) {
        versions.emplace_back(std::stoi(v), e.path() / "bin");
      }
    }
    if (versions.empty()) return {};
    return std::max_element(versions.begin(), versions.end())->second;
  }

  // Why no server can be started here (no binaries, or root without a way to drop to `nobody`);
  // empty when one can.
  static std::string UnavailableReason() {
    if (BinDir().empty()) {
      return "PostgreSQL not found: no initdb, pg_ctl, postgres and createdb on PATH or in "
             "/usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)";
    }
    if (::geteuid() == 0 && RunAsPrefix().empty()) {
      return "running as root, and initdb refuses root: need user nobody and setpriv or runuser";
    }
    return "";
  }
  static bool Available() { return UnavailableReason().empty(); }

  // Creates the cluster, starts the server and creates database "assay". Idempotent: OK at once
  // when already running.
  ::testing::AssertionResult Start() {
    if (process_.Running()) return ::testing::AssertionSuccess();
    const std::string reason = UnavailableReason();
    if (!reason.empty()) return ::testing::AssertionFailure() << reason;
    const auto t0 = std::chrono::steady_clock::now();
    auto dir = base::TempDir::Create("assay-pg");
    if (!dir.ok()) return ::testing::AssertionFailure() << dir.status().ToString();
    dir_.emplace(std::move(dir).value());
    bin_ = BinDir();
    if (::geteuid() == 0) {
      const passwd* pw = ::getpwnam("nobody");
      if (pw == nullptr || ::chown(dir_->path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        return ::testing::AssertionFailure() << "cannot hand " << dir_->path() << " to nobody";
      }
    }
    auto initdb =
        RunTool(AsServerUser({(bin_ / "initdb").string(), "-D", data().string(), "-A", "trust",
                              "-U", "assay", "-E", "UTF8", "--locale=C", "--no-sync"}),
                dir_->path() / "initdb.log");
    if (!initdb) return initdb;
    ::testing::AssertionResult started = ::testing::AssertionFailure() << "not started";
    for (int attempt = 0; attempt < 5 && !started; ++attempt) started = StartServer();
    if (!started) return started;
    auto created = CreateDatabase("assay");
    if (!created) return created;
    start_time_ = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    return ::testing::AssertionSuccess();
  }

  // Stops the server (fast shutdown: open sessions are ended) and removes its directory.
  void Stop() {
    if (process_.Running()) {
      (void)RunTool(AsServerUser({(bin_ / "pg_ctl").string(), "stop", "-D", data().string(), "-m",
                                  "fast", "-w", "-t", "30"}),
                    dir_->path() / "pg_ctl.log");
    }
    process_.Stop();
    dir_.reset();
    port_ = -1;
  }

  int port() const { return port_; }
  // The time Start() took: initdb, server start-up and the first database.
  std::chrono::milliseconds start_time() const { return start_time_; }
  // The server's directory (data/ and the logs initdb.log, postgres.log).
  std::filesystem::path dir() const { return dir_ ? dir_->path() : std::filesystem::path(); }

  // postgres://assay@127.0.0.1:PORT/assay
  std::string url() const { return UrlFor("assay"); }
  std::string UrlFor(const std::string& database) const {
    return "postgres://assay@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

  // Creates database `name` (lower-case letters, digits and '_', at most 63) and stores its URL
  // in *url: one per test keeps tests apart.
  ::testing::AssertionResult NewDatabase(const std::string& name, std::string* url) {
    auto created = CreateDatabase(name);
    if (created && url != nullptr) *url = UrlFor(name);
    return created;
  }

 private:
  // The command that runs a program as `nobody` when this process is root: setpriv keeps the
  // parent-death signal, runuser is the fallback. Empty when not root or neither is usable.
  static std::vector<std::string> RunAsPrefix() {
    const passwd* pw = ::getpwnam("nobody");
    if (::geteuid() != 0 || pw == nullptr) return {};
    std::string setpriv = FindBinary("setpriv");
    if (!setpriv.empty()) {
      return {setpriv, "--reuid=" + std::to_string(pw->pw_uid),
              "--regid=" + std::to_string(pw->pw_gid), "--clear-groups", "--pdeathsig=SIGKILL"};
    }
    std::string runuser = FindBinary("runuser");
    if (!runuser.empty()) return {runuser, "-u", "nobody", "--"};
    return {};
  }

  std::vector<std::string> AsServerUser(std::vector<std::string> argv) const {
    if (::geteuid() != 0) return argv;
    std::vector<std::string> out = RunAsPrefix();
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
  }

  std::filesystem::path data() const { return dir_->path() / "data"; }

  // One try at starting `postgres` on a fresh port; waits until it accepts connections.
  ::testing::AssertionResult StartServer() {
    port_ = UnusedPort();
    const std::filesystem::path log = dir_->path() / "postgres.log";
    std::error_code ec;
    std::filesystem::remove(log, ec);
    // A unix socket path is at most 107 bytes; without one, clients use TCP all the same.
    const std::string sockets = dir_->path().string().size() < 80 ? dir_->path().string() : "";
    process_.Start(AsServerUser({(bin_ / "postgres").string(), "-D", data().string(), "-p",
                                 std::to_string(port_), "-k", sockets, "-c",
                                 "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
                                 "synchronous_commit=off", "-c", "full_page_writes=off"}),
                   log);
    // postmaster.pid's 8th line turns "ready" once the server accepts connections (this is how
    // pg_ctl -w waits).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!process_.Running()) {
        return ::testing::AssertionFailure() << "postgres exited:\n"
                                             << base::ReadFile(log).value_or("");
      }
      std::ifstream pid_file(data() / "postmaster.pid");
      std::string line;
      for (int i = 0; i < 8 && std::getline(pid_file, line); ++i) {
      }
      if (line.rfind("ready", 0) == 0) return ::testing::AssertionSuccess();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    process_.Stop();
    return ::testing::AssertionFailure() << "postgres not ready after 60 s:\n"
                                         << base::ReadFile(log).value_or("");
  }

  ::testing::AssertionResult CreateDatabase(const std::string& name) {
    const bool valid =
        !name.empty() && name.size() <= 63 && std::all_of(name.begin(), name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        });
    if (!valid) return ::testing::AssertionFailure() << "bad database name \"" << name << "\"";
    if (!process_.Running()) return ::testing::AssertionFailure() << "PostgreSQL is not running";
    return RunTool({(bin_ / "createdb").string(), "-h", "127.0.0.1", "-p", std::to_string(port_),
                    "-U", "assay", name},
                   dir_->path() / "createdb.log");
  }

  std::optional<base::TempDir> dir_;
  std::filesystem::path bin_;
  Process process_;
  int port_ = -1;
  std::chrono::milliseconds start_time_{0};
};

}  // namespace assay::testing
