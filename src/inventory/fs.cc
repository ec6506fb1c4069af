// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace assay::inventory {
namespace {

namespace stdfs = std::filesystem;

constexpr uint64_t kResolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

// Owns one file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release() { return std::exchange(fd_, -1); }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

FileType TypeOf(mode_t mode) {
  if (S_ISREG(mode)) return FileType::kRegular;
  if (S_ISDIR(mode)) return FileType::kDirectory;
  if (S_ISLNK(mode)) return FileType::kSymlink;
  return FileType::kOther;
}

std::string_view SpecialKind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symlink";
  return "not a regular file";
}

std::string Shown(std::string_view rel) {
  return rel.empty() ? std::string(".") : std::string(rel);
}

// Maps an errno from resolving or opening `rel` to a Status.
base::Status Errno(std::string_view rel, int err) {
  std::string where = Shown(rel) + ": ";
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return base::Status::NotFound(where + "no such file or directory");
    case ELOOP:
      return base::Status::InvalidArgument(where + "too many levels of symbolic links");
    case EXDEV:
      return base::Status::InvalidArgument(where + "resolves outside the root");
    case ENAMETOOLONG:
      return base::Status::InvalidArgument(where + "path too long");
    default:
      return base::Status::IOError(where + std::strerror(err));
  }
}

// openat2(2) through syscall(2): glibc 2.36 has no wrapper. Retries EAGAIN, which
// RESOLVE_IN_ROOT returns when a concurrent rename could have let ".." escape, and EINTR.
int OpenAt2(int dirfd, const char* path, uint64_t flags, uint64_t resolve) {
  struct open_how how;
  std::memset(&how, 0, sizeof how);
  how.flags = flags;
  how.resolve = resolve;
  for (int attempt = 0; attempt < 16; ++attempt) {
    long fd = ::syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno != EAGAIN && errno != EINTR) return -1;
  }
  return -1;
}

// Reopens the object behind an O_PATH descriptor with real access flags. Going through
// /proc/self/fd opens exactly the inode that was checked; O_NOATIME is dropped when the kernel
// refuses it (EPERM: neither owner nor CAP_FOWNER). Returns -1 with errno set on failure.
int Reopen(int path_fd, int flags) {
  char proc[64];
  std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", path_fd);
  int fd = ::open(proc, flags | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = ::open(proc, flags);
  return fd;
}

class StringBytes final : public FileBytes {
 public:
  explicit StringBytes(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string_view bytes() const override { return bytes_; }

 private:
  std::string bytes_;
};

// A private read-only mapping. A file truncated while mapped makes reads past its new end
// fault (SIGBUS): a scanned tree is not expected to change under the scan, and a live host's
// executables are replaced (rename), not truncated, by package managers.
class MappedBytes final : public FileBytes {
 public:
  MappedBytes(const char* data, size_t size) : data_(data), size_(size) {}
  ~MappedBytes() override { ::munmap(const_cast<char*>(data_), size_); }
  std::string_view bytes() const override { return {data_, size_}; }

 private:
  const char* data_;
  size_t size_;
};

base::Status TooBig(std::string_view rel, uint64_t max_bytes) {
  return base::Status::InvalidArgument(Shown(rel) + ": larger than the read limit of " +
                                       std::to_string(max_bytes) + " bytes");
}

// Reads the open regular file `fd` (`size` bytes by its fstat) to its end, straight into the
// result. The file may grow after fstat: the cap holds for what is actually read.
base::Result<std::string> ReadAll(int fd, std::string_view rel, uint64_t size,
                                  uint64_t max_bytes) {
  if (size > max_bytes) return TooBig(rel, max_bytes);
  std::string out(static_cast<size_t>(size), '\0');
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno(rel, errno);
    }
    if (n == 0) break;  // the file shrank
    got += static_cast<size_t>(n);
  }
  if (got < out.size()) {
    out.resize(got);
    return out;
  }
  // As large as fstat said: read on to the end, which is usually right there.
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno(rel, errno);
    }
    if (n == 0) break;
    if (out.size() + static_cast<uint64_t>(n) > max_bytes) return TooBig(rel, max_bytes);
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Up to `length` bytes of the open regular file `fd` (`size` bytes by its fstat) from `offset`,
// refused when that is more than `cap`.
base::Result<std::string> PreadRange(int fd, std::string_view rel, uint64_t size, uint64_t offset,
                                     uint64_t length, uint64_t cap = kDefaultMaxReadBytes) {
  if (offset >= size) return std::string();
  length = std::min(length, size - offset);
  if (length > cap) return TooBig(rel, cap);
  std::string out(static_cast<size_t>(length), '\0');
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(offset + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno(rel, errno);
    }
    if (n == 0) break;  // the file shrank
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

// The open regular file `fd` (`size` bytes by its fstat) mapped, or read where it cannot be.
base::Result<std::unique_ptr<FileBytes>> MapOpen(int fd, std::string_view rel, uint64_t size,
                                                 uint64_t max_bytes) {
  if (size > max_bytes) return TooBig(rel, max_bytes);
  if (size == 0) return std::unique_ptr<FileBytes>(std::make_unique<StringBytes>(""));
  void* at = ::mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_PRIVATE, fd, 0);
  if (at == MAP_FAILED) {
    // Some filesystems cannot map: fall back to reading (with pread: the descriptor may be
    // shared with other readers).
    ASSAY_ASSIGN_OR_RETURN(std::string bytes, PreadRange(fd, rel, size, 0, size, max_bytes));
    return std::unique_ptr<FileBytes>(std::make_unique<StringBytes>(std::move(bytes)));
  }
  return std::unique_ptr<FileBytes>(
      std::make_unique<MappedBytes>(static_cast<const char*>(at), static_cast<size_t>(size)));
}

// A regular file DirFs opened and checked; reads go through its descriptor.
class OpenRegularFile final : public RegularFile {
 public:
  OpenRegularFile(UniqueFd fd, std::string rel, off_t size)
      : fd_(std::move(fd)), rel_(std::move(rel)), size_(static_cast<uint64_t>(size)) {}

  uint64_t size() const override { return size_; }

  base::Result<std::string> ReadRange(uint64_t offset, uint64_t length) const override {
    return PreadRange(fd_.get(), rel_, size_, offset, length);
  }

  base::Result<std::unique_ptr<FileBytes>> Map(uint64_t max_bytes) const override {
    return MapOpen(fd_.get(), rel_, size_, max_bytes);
  }

 private:
  UniqueFd fd_;
  std::string rel_;
  uint64_t size_;
};

class DirFs final : public Fs {
 public:
  DirFs(UniqueFd root, std::string describe)
      : root_(std::move(root)), describe_(std::move(describe)) {}

  std::string Describe() const override { return describe_; }

  base::Result<std::string> ReadFile(std::string_view rel, uint64_t max_bytes) const override {
    struct stat st;
    ASSAY_ASSIGN_OR_RETURN(UniqueFd fd, OpenRegular(rel, &st));
    return ReadAll(fd.get(), rel, static_cast<uint64_t>(st.st_size), max_bytes);
  }

  base::Result<std::string> ReadRange(std::string_view rel, uint64_t offset,
                                      uint64_t length) const override {
    struct stat st;
    ASSAY_ASSIGN_OR_RETURN(UniqueFd fd, OpenRegular(rel, &st));
    return PreadRange(fd.get(), rel, static_cast<uint64_t>(st.st_size), offset, length);
  }

  base::Result<FileInfo> Stat(std::string_view rel) const override {
    return StatImpl(rel, /*follow=*/false);
  }

  base::Result<FileInfo> StatResolved(std::string_view rel) const override {
    return StatImpl(rel, /*follow=*/true);
  }

  base::Result<std::vector<DirEntry>> ListDir(std::string_view rel) const override {
    return ListDirImpl(rel, /*with_modes=*/false, nullptr);
  }

  base::Result<std::vector<DirEntry>> ListDirWithModes(std::string_view rel,
                                                       const NameFilter& want) const override {
    return ListDirImpl(rel, /*with_modes=*/true, want);
  }

  base::Result<std::unique_ptr<FileBytes>> MapFile(std::string_view rel,
                                                   uint64_t max_bytes) const override {
    struct stat st;
    ASSAY_ASSIGN_OR_RETURN(UniqueFd fd, OpenRegular(rel, &st));
    return MapOpen(fd.get(), rel, static_cast<uint64_t>(st.st_size), max_bytes);
  }

  base::Result<std::unique_ptr<RegularFile>> OpenFile(std::string_view rel) const override {
    struct stat st;
    ASSAY_ASSIGN_OR_RETURN(UniqueFd fd, OpenRegular(rel, &st));
    return std::unique_ptr<RegularFile>(
        std::make_unique<OpenRegularFile>(std::move(fd), std::string(rel), st.st_size));
  }

 private:
  base::Result<std::vector<DirEntry>> ListDirImpl(std::string_view rel, bool with_modes,
                                                  const NameFilter& want) const {
    ASSAY_ASSIGN_OR_RETURN(UniqueFd fd, OpenDirectory(rel));
    // The names, NUL-terminated in one buffer, and where each sits in it: sorting these moves
    // less than sorting DirEntry values.
    struct Raw {
      uint32_t offset;
      uint32_t length;
      FileType type;
      std::string_view Name(const std::string& names) const {
        return std::string_view(names).substr(offset, length);
      }
    };
    std::string names;
    std::vector<Raw> raw;
    alignas(8) char buf[1 << 15];
    while (true) {
      const ssize_t n = ::getdents64(fd.get(), buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno(rel, errno);
      }
      if (n == 0) break;
      for (ssize_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const struct dirent64*>(buf + at);
        at += e->d_reclen;
        const std::string_view name(e->d_name);
        if (name == "." || name == "..") continue;
        FileType type = FileType::kOther;
        switch (e->d_type) {
          case DT_REG:
            type = FileType::kRegular;
            break;
          case DT_DIR:
            type = FileType::kDirectory;
            break;
          case DT_LNK:
            type = FileType::kSymlink;
            break;
          case DT_UNKNOWN: {
            // Some filesystems do not fill d_type; ask without following the entry.
            struct stat est;
            if (::fstatat(fd.get(), e->d_name, &est, AT_SYMLINK_NOFOLLOW) == 0) {
              type = TypeOf(est.st_mode);
            }
            break;
          }
          default:
            break;
        }
        raw.push_back({static_cast<uint32_t>(names.size()), static_cast<uint32_t>(name.size()),
                       type});
        names.append(name);
        names.push_back('\0');  // for fstatat below
      }
    }
    std::sort(raw.begin(), raw.end(), [&names](const Raw& a, const Raw& b) {
      return a.Name(names) < b.Name(names);
    });
    std::vector<DirEntry> out;
    out.reserve(raw.size());
    for (const Raw& r : raw) {
      const std::string_view name = r.Name(names);
      uint32_t mode = 0;
      uint64_t size = 0;
      if (with_modes && r.type == FileType::kRegular && (!want || want(name))) {
        struct stat est;
        if (::fstatat(fd.get(), name.data(), &est, AT_SYMLINK_NOFOLLOW) == 0) {
          mode = est.st_mode & 07777;
          size = static_cast<uint64_t>(est.st_size);
        }
      }
      out.push_back({std::string(name), r.type, mode, size});
    }
    return out;
  }

  // A descriptor for listing the directory at `rel` (a final symlink followed inside the root).
  // Opened directly: with O_DIRECTORY the kernel refuses anything but a directory before it
  // would open it, so no FIFO or device is ever opened here.
  base::Result<UniqueFd> OpenDirectory(std::string_view rel) const {
    ASSAY_ASSIGN_OR_RETURN(std::string path, KernelPath(rel));
    constexpr int kFlags = O_RDONLY | O_CLOEXEC | O_DIRECTORY | O_NONBLOCK;
    int fd = OpenAt2(root_.get(), path.c_str(), kFlags | O_NOATIME, kResolve);
    if (fd < 0 && errno == EPERM) fd = OpenAt2(root_.get(), path.c_str(), kFlags, kResolve);
    if (fd >= 0) return UniqueFd(fd);
    const int err = errno;
    if (err == ENOTDIR) {
      // The path names something else, or runs through a file on the way: tell which.
      struct stat st;
      ASSAY_ASSIGN_OR_RETURN(UniqueFd path_fd, Resolve(rel, /*follow=*/true, &st));
      if (!S_ISDIR(st.st_mode)) {
        return base::Status::InvalidArgument(Shown(rel) + ": not a directory");
      }
    }
    return Errno(rel, err);
  }

  // An open, readable descriptor on the regular file at `rel` and its stat: resolved with
  // O_PATH, checked to be a regular file, then reopened through that handle.
  base::Result<UniqueFd> OpenRegular(std::string_view rel, struct stat* st) const {
    ASSAY_ASSIGN_OR_RETURN(UniqueFd path_fd, Resolve(rel, /*follow=*/true, st));
    if (!S_ISREG(st->st_mode)) {
      return base::Status::InvalidArgument(Shown(rel) + ": " +
                                           std::string(SpecialKind(st->st_mode)) + ", not read");
    }
    constexpr int kFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    UniqueFd fd(Reopen(path_fd.get(), kFlags));
    if (!fd.valid()) {
      if (errno != ENOENT) return Errno(rel, errno);
      // No /proc: open the path again, then make sure it is still the inode checked above.
      ASSAY_ASSIGN_OR_RETURN(fd, OpenPath(rel, kFlags));
    }
    struct stat now;
    if (::fstat(fd.get(), &now) != 0) return Errno(rel, errno);
    if (now.st_dev != st->st_dev || now.st_ino != st->st_ino || !S_ISREG(now.st_mode)) {
      return base::Status::IOError(Shown(rel) + ": changed while being opened");
    }
    return fd;
  }

  // The path handed to openat2: "." for the root; NUL bytes are refused (the kernel would cut
  // the path short and silently name something else).
  static base::Result<std::string> KernelPath(std::string_view rel) {
    if (rel.find('\0') != std::string_view::npos) {
      return base::Status::InvalidArgument("path contains a NUL byte");
    }
    if (rel.empty()) return std::string(".");
    return std::string(rel);
  }

  base::Result<UniqueFd> OpenPath(std::string_view rel, int flags) const {
    ASSAY_ASSIGN_OR_RETURN(std::string path, KernelPath(rel));
    int fd = OpenAt2(root_.get(), path.c_str(), static_cast<uint64_t>(flags), kResolve);
    if (fd < 0) return Errno(rel, errno);
    return UniqueFd(fd);
  }

  // An O_PATH handle on `rel` (no read access, never blocks, no side effects on special files)
  // and its stat.
  base::Result<UniqueFd> Resolve(std::string_view rel, bool follow, struct stat* st) const {
    int flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
    ASSAY_ASSIGN_OR_RETURN(UniqueFd fd, OpenPath(rel, flags));
    if (::fstat(fd.get(), st) != 0) return Errno(rel, errno);
    return fd;
  }

  base::Result<FileInfo> StatImpl(std::string_view rel, bool follow) const {
    struct stat st;
    ASSAY_ASSIGN_OR_RETURN(UniqueFd fd, Resolve(rel, follow, &st));
    return FileInfo{TypeOf(st.st_mode), static_cast<uint64_t>(st.st_size),
                    static_cast<uint32_t>(st.st_mode & 07777)};
  }

  UniqueFd root_;
  std::string describe_;
};

}  // namespace

std::string_view FileTypeName(FileType type) {
  switch (type) {
    case FileType::kRegular:
      return "regular";
    case FileType::kDirectory:
      return "directory";
    case FileType::kSymlink:
      return "symlink";
    case FileType::kOther:
      return "other";
  }
  return "other";
}

base::Result<std::unique_ptr<FileBytes>> Fs::MapFile(std::string_view rel,
                                                     uint64_t max_bytes) const {
  ASSAY_ASSIGN_OR_RETURN(std::string bytes, ReadFile(rel, max_bytes));
  return std::unique_ptr<FileBytes>(std::make_unique<StringBytes>(std::move(bytes)));
}

base::Result<std::vector<DirEntry>> Fs::ListDirWithModes(std::string_view rel,
                                                         const NameFilter& want) const {
  ASSAY_ASSIGN_OR_RETURN(std::vector<DirEntry> entries, ListDir(rel));
  for (DirEntry& e : entries) {
    if (e.type != FileType::kRegular || (want && !want(e.name))) continue;
    std::string child = rel.empty() ? e.name : std::string(rel) + "/" + e.name;
    if (auto info = Stat(child); info.ok()) {
      e.mode = info->mode;
      e.size = info->size;
    }
  }
  return entries;
}

base::Result<std::string> Fs::ReadRange(std::string_view rel, uint64_t offset,
                                        uint64_t length) const {
  ASSAY_ASSIGN_OR_RETURN(std::string all, ReadFile(rel, kDefaultMaxReadBytes));
  if (offset >= all.size()) return std::string();
  return all.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
}

namespace {

// RegularFile over the path-based methods of an Fs.
class PathRegularFile final : public RegularFile {
 public:
  PathRegularFile(const Fs& fs, std::string rel, uint64_t size)
      : fs_(fs), rel_(std::move(rel)), size_(size) {}

  uint64_t size() const override { return size_; }

  base::Result<std::string> ReadRange(uint64_t offset, uint64_t length) const override {
    return fs_.ReadRange(rel_, offset, length);
  }

  base::Result<std::unique_ptr<FileBytes>> Map(uint64_t max_bytes) const override {
    return fs_.MapFile(rel_, max_bytes);
  }

 private:
  const Fs& fs_;
  std::string rel_;
  uint64_t size_;
};

}  // namespace

base::Result<std::unique_ptr<RegularFile>> Fs::OpenFile(std::string_view rel) const {
  ASSAY_ASSIGN_OR_RETURN(FileInfo info, StatResolved(rel));
  if (info.type != FileType::kRegular) {
    return base::Status::InvalidArgument(
        Shown(rel) + ": " +
        (info.type == FileType::kDirectory ? "a directory" : "not a regular file") + ", not read");
  }
  return std::unique_ptr<RegularFile>(
      std::make_unique<PathRegularFile>(*this, std::string(rel), info.size));
}

base::Result<std::unique_ptr<Fs>> OpenDirFs(const stdfs::path& root) {
  std::string shown = root.string();
  if (shown.find('\0') != std::string::npos) {
    return base::Status::InvalidArgument("root path contains a NUL byte");
  }
  UniqueFd fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) {
    int err = errno;
    if (err == ENOENT) return base::Status::NotFound(shown + ": no such directory");
    if (err == ENOTDIR) return base::Status::InvalidArgument(shown + ": not a directory");
    return base::Status::IOError(shown + ": " + std::strerror(err));
  }
  // Probe once so that a kernel without openat2 fails here, clearly, rather than every read.
  int probe = OpenAt2(fd.get(), ".", O_PATH | O_CLOEXEC, kResolve);
  if (probe < 0) {
    int err = errno;
    if (err == ENOSYS || err == EPERM) {
      return base::Status::NotSupported(
          "openat2(2) is not available (Linux >= 5.6 is needed to read a directory tree "
          "confined to its root)");
    }
    return base::Status::IOError(shown + ": " + std::strerror(err));
  }
  ::close(probe);
  std::error_code ec;
  stdfs::path abs = stdfs::absolute(root, ec);
  if (!ec) shown = abs.lexically_normal().string();
  return std::unique_ptr<Fs>(std::make_unique<DirFs>(std::move(fd), "directory " + shown));
}

}  // namespace assay::inventory
