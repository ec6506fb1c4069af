// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "base/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

namespace assay::base {
namespace fs = std::filesystem;

namespace {
Status Errno(std::string_view what, const fs::path& p) {
  return Status::IOError(std::string(what) + " " + p.string() + ": " + std::strerror(errno));
}

Status FsyncPath(const fs::path& p, int flags) {
  int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Errno("open", p);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("fsync", p);
  return Status::Ok();
}
}  // namespace

Result<std::string> ReadFile(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path.string() + ": no such file");
    return Errno("open", path);
  }
  std::string out;
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Errno("read", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

fs::path SiblingTempPath(const fs::path& target) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  fs::path p = target;
  p += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rng() % 1000000007ULL);
  return p;
}

Status CommitAtomic(const fs::path& tmp, const fs::path& target) {
  ASSAY_RETURN_IF_ERROR(FsyncPath(tmp, O_RDONLY));
  if (::rename(tmp.c_str(), target.c_str()) != 0) return Errno("rename to", target);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  return FsyncPath(dir, O_RDONLY | O_DIRECTORY);
}

Status WriteFileAtomic(const fs::path& path, std::string_view data) {
  fs::path tmp = SiblingTempPath(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", tmp);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Errno("write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    off += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    Status s = Errno("close", tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  Status s = CommitAtomic(tmp, path);
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

Result<TempDir> TempDir::Create(std::string_view prefix) {
  const char* env = std::getenv("TMPDIR");
  fs::path base = env && *env ? fs::path(env) : fs::temp_directory_path();
  std::string tmpl = (base / (std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) return Errno("mkdtemp", tmpl);
  return TempDir(fs::path(tmpl));
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace assay::base
