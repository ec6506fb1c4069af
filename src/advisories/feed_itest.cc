// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The HTTP feed source against a real HTTP server (Python's http.server) serving the shared OSV
// mirror on loopback: same fingerprints as the directory source, and a conditional re-fetch is
// answered 304 and reported unchanged.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "advisories/feed.h"
#include "base/file.h"
#include "base/testing/conformance.h"

extern char** environ;

namespace assay::advisories {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPython = "/usr/bin/python3";

// A loopback port free right now (bound, read, released).
int FreePort() {
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

bool Accepts(int port) {
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

class PythonMirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto data = assay::testing::SharedDataDir();
    if (!data || !fs::is_directory(*data / "osv-mirror")) GTEST_SKIP() << "no shared data";
    if (::access(kPython, X_OK) != 0) GTEST_SKIP() << kPython << " not available";
    mirror_ = *data / "osv-mirror";
    auto tmp = base::TempDir::Create("feed-itest");
    ASSERT_TRUE(tmp.ok());
    tmp_ = std::make_unique<base::TempDir>(std::move(tmp).value());
    log_ = tmp_->path() / "server.log";

    // A port can be taken between FreePort and the server's bind: try a few.
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
      port_ = FreePort();
      ASSERT_GT(port_, 0);
      StartServer();
      if (!WaitUntilAccepting()) StopServer();
    }
    ASSERT_GT(pid_, 0) << "python http.server did not start";
  }

  void TearDown() override { StopServer(); }

  void StartServer() {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::string port = std::to_string(port_);
    std::string dir = mirror_.string();
    std::vector<char*> argv = {const_cast<char*>(kPython),
                               const_cast<char*>("-m"),
                               const_cast<char*>("http.server"),
                               const_cast<char*>("--bind"),
                               const_cast<char*>("127.0.0.1"),
                               port.data(),
                               const_cast<char*>("--directory"),
                               dir.data(),
                               nullptr};
    pid_t pid = -1;
    int rc = posix_spawn(&pid, kPython, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    pid_ = rc == 0 ? pid : -1;
  }

  bool WaitUntilAccepting() {
    if (pid_ <= 0) return false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Accepts(port_)) return true;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;  // exited (port taken?)
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  void StopServer() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

  fs::path mirror_;
  std::unique_ptr<base::TempDir> tmp_;
  fs::path log_;
  int port_ = -1;
  pid_t pid_ = -1;
};

TEST_F(PythonMirrorTest, HttpFetchMatchesDirectoryAndRevalidates) {
  auto dir_src = MakeFeedSource("file://" + mirror_.string(), false);
  ASSERT_TRUE(dir_src.ok()) << dir_src.status().ToString();
  auto http_src = MakeFeedSource(BaseUrl() + "/", false);
  ASSERT_TRUE(http_src.ok()) << http_src.status().ToString();
  const fs::path work = tmp_->path() / "work";
  fs::create_directories(work);

  for (const std::string eco : {"Maven", "crates.io"}) {
    SCOPED_TRACE(eco);
    auto local = (*dir_src)->Fetch(eco, {}, work);
    ASSERT_TRUE(local.ok()) << local.status().ToString();
    auto fetched = (*http_src)->Fetch(eco, {}, work);
    ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
    EXPECT_FALSE(fetched->unchanged);
    EXPECT_EQ(fetched->url, BaseUrl() + "/" + eco + "/all.zip");
    EXPECT_EQ(fetched->fingerprint, local->fingerprint);
    EXPECT_EQ(fs::file_size(fetched->path), fs::file_size(local->path));
    EXPECT_FALSE(fetched->last_modified.empty());  // http.server sends Last-Modified, no ETag

    FeedState state{fetched->fingerprint, fetched->etag, fetched->last_modified};
    auto again = (*http_src)->Fetch(eco, state, work);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_TRUE(again->unchanged);
    EXPECT_TRUE(again->path.empty());
    EXPECT_EQ(again->fingerprint, local->fingerprint);
    EXPECT_EQ(again->last_modified, fetched->last_modified);
  }

  auto missing = (*http_src)->Fetch("NuGet", {}, work);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), base::Code::kNotFound);

  // The re-fetches were answered 304 by the server (not just recognised by fingerprint).
  StopServer();
  auto log = base::ReadFile(log_);
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->find("\"GET /Maven/all.zip HTTP/1.1\" 304"), std::string::npos) << *log;
  EXPECT_NE(log->find("\"GET /crates.io/all.zip HTTP/1.1\" 304"), std::string::npos) << *log;
}

}  // namespace
}  // namespace assay::advisories
