// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// A read-only view of a file tree, rooted like a chroot: the seam through which collectors see a
// resource (a root filesystem directory today; image layers and live hosts implement the same
// interface later). Every path is relative to the root, written with '/' ("etc/os-release");
// a leading '/' and ".." components are resolved inside the root, never above it, and so are
// symlink targets, absolute or relative: "/etc/passwd" as a symlink target inside the tree means
// <root>/etc/passwd.
//
// Nothing through this interface writes to the tree. Only regular files are ever opened for
// reading; FIFOs, sockets and devices are refused without being opened (opening a FIFO blocks,
// opening a device can have side effects).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace assay::inventory {

// The default cap on one ReadFile: larger than any package database seen in practice (a big
// rpmdb.sqlite is ~100 MiB), small enough that a hostile tree cannot exhaust memory.
inline constexpr uint64_t kDefaultMaxReadBytes = uint64_t{256} << 20;

enum class FileType {
  kRegular,
  kDirectory,
  kSymlink,
  kOther,  // FIFO, socket, character or block device
};

// "regular", "directory", "symlink", "other".
std::string_view FileTypeName(FileType type);

struct FileInfo {
  FileType type = FileType::kOther;
  uint64_t size = 0;  // bytes for a regular file; what the source reports otherwise
  uint32_t mode = 0;  // permission bits (st_mode & 07777)
};

struct DirEntry {
  std::string name;                  // one path component, never "." or ".."
  FileType type = FileType::kOther;  // of the entry itself (a symlink is kSymlink)
  uint32_t mode = 0;  // permission bits of a regular file; only from ListDirWithModes
  uint64_t size = 0;  // bytes of a regular file; only from ListDirWithModes
};

// A file's bytes, valid for the life of the object.
class FileBytes {
 public:
  virtual ~FileBytes() = default;
  virtual std::string_view bytes() const = 0;
};

// A regular file opened once for several reads (Fs::OpenFile): its path was resolved inside the
// root and found to name a regular file when it was opened. From OpenDirFs every read sees that
// same file even if the path is replaced meanwhile (Fs's default resolves the path again for
// each read). Thread-safe; valid while the Fs that opened it is.
class RegularFile {
 public:
  virtual ~RegularFile() = default;

  // The size when the file was opened.
  virtual uint64_t size() const = 0;

  // Up to `length` bytes from `offset`, like Fs::ReadRange.
  virtual base::Result<std::string> ReadRange(uint64_t offset, uint64_t length) const = 0;

  // The whole file without copying it where the source allows, like Fs::MapFile.
  virtual base::Result<std::unique_ptr<FileBytes>> Map(uint64_t max_bytes) const = 0;
};

// Implementations are immutable after construction and thread-safe: share one instance.
//
// Errors, for every method: NotFound when the path (or a directory on the way) does not exist,
// including a dangling symlink and a path that runs through a regular file
// ("etc/os-release/x"); InvalidArgument for a path that cannot name anything (a NUL byte),
// symlink loops, a special file handed to ReadFile, a directory handed to ReadFile or a file to
// ListDir, and a file over the size cap; IOError when the OS refuses (permissions, I/O errors).
// Messages start with the relative path; callers add Describe() when they need the root.
class Fs {
 public:
  virtual ~Fs() = default;

  // A human-readable name of the tree: "directory /srv/rootfs".
  virtual std::string Describe() const = 0;

  // The whole contents of the regular file at `rel`, following symlinks inside the root.
  // InvalidArgument (naming the file) when it holds more than `max_bytes`
  // (kDefaultMaxReadBytes unless the caller knows better).
  virtual base::Result<std::string> ReadFile(std::string_view rel, uint64_t max_bytes) const = 0;

  // What `rel` is, without following a final symlink (lstat semantics; symlinks on the way are
  // followed inside the root). "" names the root itself.
  virtual base::Result<FileInfo> Stat(std::string_view rel) const = 0;

  // Like Stat, but a final symlink is followed inside the root (stat semantics): the result is
  // never kSymlink.
  virtual base::Result<FileInfo> StatResolved(std::string_view rel) const = 0;

  // The entries of the directory at `rel` (symlinks followed inside the root), sorted by name
  // (bytewise).
  virtual base::Result<std::vector<DirEntry>> ListDir(std::string_view rel) const = 0;

  // ListDir, plus DirEntry::mode and DirEntry::size for the regular entries whose name `want`
  // accepts (all of them when `want` is empty): what a tree walk needs to tell executables
  // apart without opening them, at one stat per entry it cares about. The default asks Stat;
  // sources that know modes cheaply override it.
  using NameFilter = std::function<bool(std::string_view name)>;
  virtual base::Result<std::vector<DirEntry>> ListDirWithModes(std::string_view rel,
                                                               const NameFilter& want) const;

  // The bytes of the regular file at `rel` without copying them where the source allows (a
  // read-only private mapping of a local file): for large files of which a parser touches
  // little, such as executables. Same errors and cap as ReadFile. The default reads the file.
  virtual base::Result<std::unique_ptr<FileBytes>> MapFile(std::string_view rel,
                                                           uint64_t max_bytes) const;

  // Up to `length` bytes of the regular file at `rel` from `offset` (fewer at the end of the
  // file; empty past it), following symlinks inside the root like ReadFile. The default reads
  // the whole file (within kDefaultMaxReadBytes); sources with random access override it.
  virtual base::Result<std::string> ReadRange(std::string_view rel, uint64_t offset,
                                              uint64_t length) const;

  // The regular file at `rel`, opened for several ReadRange/Map calls without resolving its path
  // again each time (an ELF file's header, then its section table, then a mapping). Same errors
  // as ReadFile, but no size cap yet. The default answers from the path-based methods above.
  virtual base::Result<std::unique_ptr<RegularFile>> OpenFile(std::string_view rel) const;
};

// A view of the directory `root` on the local filesystem. Resolution uses Linux openat2(2) with
// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, so neither ".." nor symlinks (absolute or relative)
// can leave the root, and /proc magic links inside the tree are refused. Files are opened
// O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, with O_NOATIME whenever the kernel permits it
// (owner or CAP_FOWNER), so reading leaves access times alone; a file is first resolved with
// O_PATH and checked to be a regular file, then reopened through that handle, so what is read is
// exactly what was checked. A directory is opened for listing directly with O_DIRECTORY, which
// the kernel refuses for anything but a directory before opening it.
//
// NotFound when `root` does not exist, InvalidArgument when it is not a directory, NotSupported
// when the kernel has no openat2 (Linux < 5.6, or a seccomp filter that hides it). The root
// directory stays open (one descriptor) for the lifetime of the returned object.
base::Result<std::unique_ptr<Fs>> OpenDirFs(const std::filesystem::path& root);

}  // namespace assay::inventory
