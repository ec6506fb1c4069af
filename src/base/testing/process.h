// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Test-only helpers for integration tests that start real programs (a registry, skopeo, the
// assay binary): find a program on PATH, run it to completion with its output in a log, keep one
// running for the life of an object, and pick a free loopback port. Children die with the test
// process (PR_SET_PDEATHSIG), so a crashed test leaves nothing running.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/file.h"

namespace assay::testing {

// The path of executable `name` on $PATH, or "".
inline std::string FindBinary(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::filesystem::path p = std::filesystem::path(dirs.substr(start, end - start)) / name;
    if (!p.parent_path().empty() && ::access(p.c_str(), X_OK) == 0) return p.string();
    start = end + 1;
  }
  return "";
}

// fork + exec of argv[0] (a path) with stdout and stderr appended to `log`; everything the child
// needs is prepared before the fork.
inline pid_t Spawn(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::string log_path = log.string();
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  int devnull = ::open("/dev/null", O_RDONLY);
  int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (devnull >= 0) ::dup2(devnull, 0);
  if (out >= 0) {
    ::dup2(out, 1);
    ::dup2(out, 2);
  }
  ::execv(args[0], args.data());
  ::_exit(127);
}

// The exit status of `pid` once it ends (128 + signal when killed), -1 on error.
inline int WaitExit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

// Runs a command to completion; its output goes to `log` and, on failure, into the message.
inline ::testing::AssertionResult RunTool(const std::vector<std::string>& argv,
                                          const std::filesystem::path& log) {
  std::error_code ec;
  std::filesystem::remove(log, ec);
  int rc = WaitExit(Spawn(argv, log));
  if (rc == 0) return ::testing::AssertionSuccess();
  std::string cmd;
  for (const auto& a : argv) cmd += a + " ";
  return ::testing::AssertionFailure() << cmd << "exited " << rc << ":\n"
                                       << base::ReadFile(log).value_or("");
}

// A child process stopped (SIGTERM, then SIGKILL after 20 s) when this goes away.
class Process {
 public:
  Process() = default;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() { Stop(); }
  void Start(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    pid_ = Spawn(argv, log);
  }
  pid_t pid() const { return pid_; }
  bool Running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }
  // Sends SIGTERM and waits; the exit status (128 + signal when killed), -1 when not running.
  int Stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return 128 + SIGKILL;
  }

 private:
  pid_t pid_ = -1;
};

// A loopback TCP port free at the time of the call, or -1.
inline int UnusedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

}  // namespace assay::testing
