// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// io-floor PLAN: replays an I/O plan made by bench/lib/io-plan, doing that I/O and nothing else:
// lists each directory (getdents64 to the end), stats the entries the scan stat'ed in it, reads
// each whole file to its end through one 64 KiB buffer, and reads each range with one pread.
// Files are opened by absolute path with a plain open(2). Prints the directories, stats, files,
// ranges and bytes done, so a run can be checked against the plan.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::string Slurp(const char* path) {
  std::string out;
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[1 << 16];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: io-floor PLAN\n");
    return 2;
  }
  const std::string plan = Slurp(argv[1]);
  std::vector<const char*> fields;
  for (size_t i = 0; i < plan.size();) {
    size_t end = plan.find('\0', i);
    if (end == std::string::npos) break;
    fields.push_back(plan.data() + i);
    i = end + 1;
  }
  static char buf[1 << 16];
  alignas(8) static char dents[1 << 15];
  long dirs = 0, stats = 0, files = 0, ranges = 0;
  unsigned long long bytes = 0;
  int dir_fd = -1;
  for (size_t i = 0; i < fields.size();) {
    const char kind = fields[i][0];
    if (kind == 'D' && i + 1 < fields.size()) {
      if (dir_fd >= 0) ::close(dir_fd);
      dir_fd = ::open(fields[i + 1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir_fd >= 0) {
        while (::syscall(SYS_getdents64, dir_fd, dents, sizeof dents) > 0) {
        }
        ++dirs;
      }
      i += 2;
    } else if (kind == 'S' && i + 1 < fields.size()) {
      struct stat st;
      if (dir_fd >= 0 && ::fstatat(dir_fd, fields[i + 1], &st, AT_SYMLINK_NOFOLLOW) == 0) ++stats;
      i += 2;
    } else if (kind == 'R' && i + 1 < fields.size()) {
      int fd = ::open(fields[i + 1], O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) bytes += static_cast<unsigned long long>(n);
        ::close(fd);
        ++files;
      }
      i += 2;
    } else if (kind == 'P' && i + 3 < fields.size()) {
      int fd = ::open(fields[i + 1], O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        off_t off = static_cast<off_t>(std::strtoull(fields[i + 2], nullptr, 10));
        size_t want = static_cast<size_t>(std::strtoull(fields[i + 3], nullptr, 10));
        while (want > 0) {
          ssize_t n = ::pread(fd, buf, want < sizeof buf ? want : sizeof buf, off);
          if (n <= 0) break;
          bytes += static_cast<unsigned long long>(n);
          off += n;
          want -= static_cast<size_t>(n);
        }
        ::close(fd);
        ++ranges;
      }
      i += 4;
    } else {
      std::fprintf(stderr, "io-floor: bad plan record %zu\n", i);
      return 2;
    }
  }
  if (dir_fd >= 0) ::close(dir_fd);
  std::printf("%ld %ld %ld %ld %llu\n", dirs, stats, files, ranges, bytes);
  return 0;
}
