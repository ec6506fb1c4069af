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

class DirFs final : public Fs {
 public:
  DirFs(UniqueFd root, std::string describe)
      : root_(std::move(root)), describe_(std::move(describe)) {}

  std::string Describe() const override { return describe_; }

  base::Result<std::string> ReadFile(std::string_view rel, uint64_t max_bytes) const override {
    struct stat st;
    ASSAY_ASSIGN_OR_RETURN(UniqueFd fd, OpenRegular(rel, &st));
    if (static_cast<uint64_t>(st.st_size) > max_bytes) return TooBig(rel, max_bytes);
    std::string out;
    out.reserve(static_cast<size_t>(st.st_size));
    char buf[1 << 16];
    while (true) {
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno(rel, errno);
      }
      if (n == 0) break;
      // The file may grow after fstat: the cap holds for what is actually read.
      if (out.size() + static_cast<uint64_t>(n) > max_bytes) return TooBig(rel, max_bytes);
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

  base::Result<std::string> ReadRange(std::string_view rel, uint64_t offset,
                                      uint64_t length) const override {
    struct stat st;
    ASSAY_ASSIGN_OR_RETURN(UniqueFd fd, OpenRegular(rel, &st));
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    if (offset >= size) return std::string();
    length = std::min(length, size - offset);
    if (length > kDefaultMaxReadBytes) return TooBig(rel, kDefaultMaxReadBytes);
    std::string out(static_cast<size_t>(length), '\0');
    size_t got = 0;
    while (got < out.size()) {
      ssize_t n =
          ::pread(fd.get(), out.data() + got, out.size() - got, static_cast<off_t>(offset + got));
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
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    if (size > max_bytes) return TooBig(rel, max_bytes);
    if (size == 0) return std::unique_ptr<FileBytes>(std::make_unique<StringBytes>(""));
    void* at = ::mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (at == MAP_FAILED) {
      // Some filesystems cannot map: fall back to reading.
      ASSAY_ASSIGN_OR_RETURN(std::string bytes, ReadFile(rel, max_bytes));
      return std::unique_ptr<FileBytes>(std::make_unique<StringBytes>(std::move(bytes)));
    }
    return std::unique_ptr<FileBytes>(
        std::make_unique<MappedBytes>(static_cast<const char*>(at), static_cast<size_t>(size)));
  }

 private:
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

  base::Result<std::vector<DirEntry>> ListDirImpl(std::string_view rel, bool with_modes,
                                                  const NameFilter& want) const {
    struct stat st;
    ASSAY_ASSIGN_OR_RETURN(UniqueFd path_fd, Resolve(rel, /*follow=*/true, &st));
    if (!S_ISDIR(st.st_mode)) {
      return base::Status::InvalidArgument(Shown(rel) + ": not a directory");
    }
    constexpr int kFlags = O_RDONLY | O_CLOEXEC | O_DIRECTORY;
    UniqueFd fd(Reopen(path_fd.get(), kFlags));
    if (!fd.valid()) {
      if (errno != ENOENT) return Errno(rel, errno);
      ASSAY_ASSIGN_OR_RETURN(fd, OpenPath(rel, kFlags));
    }
    DIR* dir = ::fdopendir(fd.get());
    if (dir == nullptr) return Errno(rel, errno);
    fd.Release();  // now owned by `dir`

    std::vector<DirEntry> out;
    int err = 0;
    while (true) {
      errno = 0;
      const struct dirent* e = ::readdir(dir);
      if (e == nullptr) {
        err = errno;
        break;
      }
      std::string_view name = e->d_name;
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
          if (::fstatat(::dirfd(dir), e->d_name, &est, AT_SYMLINK_NOFOLLOW) == 0) {
            type = TypeOf(est.st_mode);
          }
          break;
        }
        default:
          break;
      }
      uint32_t mode = 0;
      uint64_t size = 0;
      if (with_modes && type == FileType::kRegular && (!want || want(name))) {
        struct stat est;
        if (::fstatat(::dirfd(dir), e->d_name, &est, AT_SYMLINK_NOFOLLOW) == 0) {
          mode = est.st_mode & 07777;
          size = static_cast<uint64_t>(est.st_size);
        }
      }
      out.push_back({std::string(name), type, mode, size});
    }
    ::closedir(dir);
    if (err != 0) return Errno(rel, err);
    std::sort(out.begin(), out.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return out;
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

  static base::Status TooBig(std::string_view rel, uint64_t max_bytes) {
    return base::Status::InvalidArgument(Shown(rel) + ": larger than the read limit of " +
                                         std::to_string(max_bytes) + " bytes");
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
