// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/image_layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "inventory/collector.h"

namespace assay::inventory::image {
namespace {

namespace stdfs = std::filesystem;

constexpr size_t kChunk = size_t{1} << 20;
// Files at least this large are looked at as possible executables even without an execute bit
// (the language collector sniffs the same ones).
constexpr uint64_t kSniffAnyFileBytes = uint64_t{1} << 20;
// Decompression ratios are judged only once a layer has produced this much.
constexpr uint64_t kRatioGrace = uint64_t{64} << 20;

std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

// ---- names ----

// The normalised entry name, or "" when it must be skipped (`why` says why).
std::string NormaliseName(std::string_view raw, std::string* why) {
  if (raw.find('\0') != std::string_view::npos) {
    *why = "entry name holds a NUL byte";
    return "";
  }
  std::string out;
  out.reserve(raw.size());
  size_t i = 0;
  while (i <= raw.size()) {
    size_t j = raw.find('/', i);
    if (j == std::string_view::npos) j = raw.size();
    std::string_view part = raw.substr(i, j - i);
    if (part == "..") {
      *why = "entry name leaves the layer's root (\"..\")";
      return "";
    }
    if (!part.empty() && part != ".") {
      if (!out.empty()) out += '/';
      out += part;
    }
    i = j + 1;
  }
  if (out.empty()) *why = "";  // the root itself: nothing to do, nothing to say
  return out;
}

std::string_view BaseName(std::string_view rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string_view::npos ? rel : rel.substr(slash + 1);
}

std::string_view DirName(std::string_view rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : rel.substr(0, slash);
}

bool WantedByPath(std::string_view rel) { return OsFileByPath(rel) || LanguageFileByPath(rel); }

// ---- sources ----

class FileSource final : public ByteSource {
 public:
  FileSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileSource() override { ::close(fd_); }
  base::Result<size_t> Read(char* buf, size_t n) override {
    for (;;) {
      ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno == EINTR) continue;
      return base::Status::IOError(Errno(path_));
    }
  }

 private:
  int fd_;
  std::string path_;
};

// Feeds libarchive from a ByteSource, hashing every byte that passes.
struct ReadContext {
  ByteSource* source = nullptr;
  base::Sha256 sha;
  std::vector<char> buffer = std::vector<char>(kChunk);
  uint64_t bytes = 0;
  std::string error;  // the source's own error, when it failed
};

la_ssize_t ReadCallback(struct archive* a, void* data, const void** out) {
  auto* ctx = static_cast<ReadContext*>(data);
  auto n = ctx->source->Read(ctx->buffer.data(), ctx->buffer.size());
  if (!n.ok()) {
    ctx->error = n.status().message();
    archive_set_error(a, EIO, "%s", ctx->error.c_str());
    return -1;
  }
  ctx->sha.Update(std::string_view(ctx->buffer.data(), *n));
  ctx->bytes += *n;
  *out = ctx->buffer.data();
  return static_cast<la_ssize_t>(*n);
}

struct ArchiveReadDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteDeleter {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};
using ReadArchive = std::unique_ptr<struct archive, ArchiveReadDeleter>;
using WriteArchive = std::unique_ptr<struct archive, ArchiveWriteDeleter>;
using Entry = std::unique_ptr<struct archive_entry, EntryDeleter>;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

base::Status WriteAll(int fd, const char* p, size_t n, const std::string& what) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return base::Status::IOError(Errno(what));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return base::Status::Ok();
}

// ---- executables ----

constexpr std::array<std::string_view, 3> kBuildInfoMarkers = {
    std::string_view("\xff Go buildinf:", 14), ".dep-v0", "__dep_v0"};
constexpr size_t kMarkerOverlap = 15;

// Finds the build-information markers in a stream of blocks.
class MarkerScan {
 public:
  void Feed(const char* p, size_t n) {
    if (found_ || n == 0) return;
    std::string joint = tail_;
    joint.append(p, std::min(n, kMarkerOverlap));
    for (std::string_view m : kBuildInfoMarkers) {
      if (joint.find(m) != std::string::npos || ::memmem(p, n, m.data(), m.size()) != nullptr) {
        found_ = true;
        return;
      }
    }
    if (n >= kMarkerOverlap) {
      tail_.assign(p + n - kMarkerOverlap, kMarkerOverlap);
    } else {
      tail_.append(p, n);
      if (tail_.size() > kMarkerOverlap) tail_.erase(0, tail_.size() - kMarkerOverlap);
    }
  }
  bool found() const { return found_; }

 private:
  std::string tail_;
  bool found_ = false;
};

// ---- the extract writer ----

class ExtractWriter {
 public:
  static base::Result<ExtractWriter> Open(const stdfs::path& path) {
    ExtractWriter w;
    w.path_ = path.string();
    w.a_.reset(archive_write_new());
    if (!w.a_ || archive_write_set_format_pax_restricted(w.a_.get()) != ARCHIVE_OK ||
        archive_write_set_format_option(w.a_.get(), "pax", "hdrcharset", "BINARY") < ARCHIVE_WARN ||
        archive_write_set_bytes_in_last_block(w.a_.get(), 1) != ARCHIVE_OK ||
        archive_write_open_filename(w.a_.get(), w.path_.c_str()) != ARCHIVE_OK) {
      return base::Status::IOError(w.path_ + ": cannot create the layer extract: " + w.Error());
    }
    return w;
  }

  base::Status Header(const std::string& name, unsigned type, unsigned perm, int64_t size,
                      const char* symlink, const char* hardlink) {
    Entry e(archive_entry_new());
    archive_entry_copy_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), type);
    archive_entry_set_perm(e.get(), perm);
    archive_entry_set_size(e.get(), size);
    if (symlink != nullptr) archive_entry_copy_symlink(e.get(), symlink);
    if (hardlink != nullptr) archive_entry_copy_hardlink(e.get(), hardlink);
    if (archive_write_header(a_.get(), e.get()) < ARCHIVE_WARN) {
      return base::Status::IOError(path_ + ": " + Error());
    }
    return base::Status::Ok();
  }

  base::Status Data(const char* p, size_t n) {
    if (n == 0) return base::Status::Ok();
    if (archive_write_data(a_.get(), p, n) < 0) return base::Status::IOError(path_ + ": " + Error());
    return base::Status::Ok();
  }

  base::Status Close() {
    if (archive_write_close(a_.get()) != ARCHIVE_OK) {
      return base::Status::IOError(path_ + ": " + Error());
    }
    return base::Status::Ok();
  }

 private:
  std::string Error() const {
    const char* s = a_ ? archive_error_string(a_.get()) : nullptr;
    return s != nullptr ? s : "libarchive failed";
  }
  WriteArchive a_;
  std::string path_;
};

// ---- ExtractLayer ----

class Extractor {
 public:
  Extractor(ByteSource& source, const stdfs::path& work_dir, const ExtractLimits& limits,
            std::string_view what)
      : work_dir_(work_dir), limits_(limits), what_(what) {
    ctx_.source = &source;
    buf_.resize(kChunk);
  }

  base::Result<LayerSummary> Run(const stdfs::path& extract_path) {
    in_.reset(archive_read_new());
    if (!in_) return base::Status::Internal("libarchive: out of memory");
    archive_read_support_filter_gzip(in_.get());
    archive_read_support_filter_zstd(in_.get());
    archive_read_support_filter_xz(in_.get());
    archive_read_support_filter_bzip2(in_.get());
    archive_read_support_format_tar(in_.get());
    archive_read_support_format_empty(in_.get());
    if (archive_read_open(in_.get(), &ctx_, nullptr, ReadCallback, nullptr) != ARCHIVE_OK) {
      return ReadError("not a tar stream");
    }
    const stdfs::path tmp = extract_path.string() + ".tmp";
    ASSAY_ASSIGN_OR_RETURN(ExtractWriter out, ExtractWriter::Open(tmp));
    out_ = &out;
    base::Status st = Entries();
    if (specials_ > 0) {
      Warn(first_special_, "skipped " + std::to_string(specials_) +
                               " device, FIFO or socket entries (this one first): never created");
    }
    if (st.ok()) st = out.Close();
    if (st.ok()) st = Drain();
    if (!st.ok()) {
      std::error_code ec;
      stdfs::remove(tmp, ec);
      return st;
    }
    std::error_code ec;
    stdfs::rename(tmp, extract_path, ec);
    if (ec) return base::Status::IOError(extract_path.string() + ": " + ec.message());
    ASSAY_ASSIGN_OR_RETURN(std::string hex, ctx_.sha.HexDigest());
    summary_.digest = "sha256:" + hex;
    summary_.compressed_bytes = ctx_.bytes;
    return std::move(summary_);
  }

 private:
  base::Status ReadError(std::string_view context) {
    if (!ctx_.error.empty()) return base::Status::IOError(std::string(what_) + ": " + ctx_.error);
    const char* s = archive_error_string(in_.get());
    return base::Status::Corruption(std::string(what_) + ": " + std::string(context) + ": " +
                                    (s != nullptr ? s : "unreadable"));
  }

  void Warn(std::string location, std::string message) {
    if (summary_.warnings.size() < 100) {
      summary_.warnings.push_back({std::move(location), std::move(message)});
    } else if (summary_.warnings.size() == 100) {
      summary_.warnings.push_back({std::string(what_), "more warnings not listed"});
    }
  }

  base::Status CheckLimits() {
    const int64_t produced = archive_filter_bytes(in_.get(), 0);
    const uint64_t out = produced > 0 ? static_cast<uint64_t>(produced) : 0;
    if (out > limits_.max_bytes) {
      return base::Status::InvalidArgument(std::string(what_) + ": more than " +
                                           std::to_string(limits_.max_bytes) +
                                           " decompressed bytes (the layer size limit)");
    }
    if (out > kRatioGrace && ctx_.bytes > 0 && out / ctx_.bytes > limits_.max_ratio) {
      return base::Status::InvalidArgument(
          std::string(what_) + ": decompresses more than " + std::to_string(limits_.max_ratio) +
          " times its size (the decompression ratio limit): a decompression bomb?");
    }
    return base::Status::Ok();
  }

  // Reads what is left of the current entry, checking the limits block by block: skipped
  // entries are decompressed too, and a bomb in a file nobody keeps is still a bomb.
  base::Status SkipRest() {
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    for (;;) {
      int r = archive_read_data_block(in_.get(), &block, &size, &offset);
      if (r == ARCHIVE_EOF) return CheckLimits();
      if (r < ARCHIVE_WARN) return ReadError("broken tar stream");
      ASSAY_RETURN_IF_ERROR(CheckLimits());
    }
  }

  base::Status Entries() {
    bool first = true;
    for (;;) {
      if (!first) ASSAY_RETURN_IF_ERROR(SkipRest());
      first = false;
      struct archive_entry* e = nullptr;
      int r = archive_read_next_header(in_.get(), &e);
      if (r == ARCHIVE_EOF) return CheckLimits();
      if (r < ARCHIVE_WARN) return ReadError("broken tar stream");
      ASSAY_RETURN_IF_ERROR(CheckLimits());
      if (++summary_.entries > limits_.max_entries) {
        return base::Status::InvalidArgument(std::string(what_) + ": more than " +
                                             std::to_string(limits_.max_entries) +
                                             " entries (the entry count limit)");
      }
      const char* raw = archive_entry_pathname(e);
      std::string why;
      std::string name = NormaliseName(raw != nullptr ? raw : "", &why);
      if (name.empty()) {
        if (!why.empty()) Warn(raw != nullptr ? raw : "", "skipped: " + why);
        continue;
      }
      if (r == ARCHIVE_WARN) {
        const char* s = archive_error_string(in_.get());
        Warn(name, s != nullptr ? s : "odd tar header");
      }
      ASSAY_RETURN_IF_ERROR(Entry(e, name));
    }
  }

  base::Status Entry(struct archive_entry* e, const std::string& name) {
    std::string_view base = BaseName(name);
    if (base.starts_with(".wh.")) {
      summary_.whiteouts.push_back(name);
      return base::Status::Ok();
    }
    const unsigned perm = archive_entry_perm(e) & 0777;
    if (const char* link = archive_entry_hardlink(e); link != nullptr) {
      std::string why;
      std::string target = NormaliseName(link, &why);
      if (target.empty()) {
        Warn(name, "skipped: hardlink target " + std::string(link) + ": " +
                       (why.empty() ? "the root" : why));
        return base::Status::Ok();
      }
      if (kept_files_.count(target) != 0 || WantedByPath(name)) {
        ++summary_.kept;
        if (WantedByPath(name)) kept_files_.insert(name);
        return out_->Header(name, AE_IFREG, perm, 0, nullptr, target.c_str());
      }
      return base::Status::Ok();
    }
    switch (archive_entry_filetype(e)) {
      case AE_IFDIR:
        ++summary_.kept;
        return out_->Header(name, AE_IFDIR, perm, 0, nullptr, nullptr);
      case AE_IFLNK: {
        const char* target = archive_entry_symlink(e);
        if (target == nullptr || *target == '\0') {
          Warn(name, "skipped: symlink without a target");
          return base::Status::Ok();
        }
        ++summary_.kept;
        return out_->Header(name, AE_IFLNK, 0777, 0, target, nullptr);
      }
      case AE_IFREG:
        return Regular(e, name, perm);
      default:
        // Device nodes are ordinary in root filesystems (dev/null): counted, not listed.
        if (specials_++ == 0) first_special_ = name;
        return base::Status::Ok();
    }
  }

  base::Status Regular(struct archive_entry* e, const std::string& name, unsigned perm) {
    const int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
    const uint64_t usize = size > 0 ? static_cast<uint64_t>(size) : 0;
    if (WantedByPath(name)) {
      if (usize > limits_.max_kept_file_bytes) {
        Warn(name, "skipped: " + std::to_string(usize) + " bytes, more than the limit of " +
                       std::to_string(limits_.max_kept_file_bytes));
        return base::Status::Ok();
      }
      ASSAY_RETURN_IF_ERROR(out_->Header(name, AE_IFREG, perm, size, nullptr, nullptr));
      uint64_t copied = 0;
      for (;;) {
        la_ssize_t n = archive_read_data(in_.get(), buf_.data(), buf_.size());
        if (n < 0) return ReadError(name);
        if (n == 0) break;
        const auto un = static_cast<size_t>(n);
        if (copied + un > usize) return ReadError(name + ": more data than its header says");
        ASSAY_RETURN_IF_ERROR(out_->Data(buf_.data(), un));
        copied += un;
        ASSAY_RETURN_IF_ERROR(CheckLimits());
      }
      if (copied != usize) return ReadError(name + ": ends early");
      ++summary_.kept;
      kept_files_.insert(name);
      return base::Status::Ok();
    }
    if ((perm & 0111) == 0 && usize < kSniffAnyFileBytes) return base::Status::Ok();
    if (usize < 64) return base::Status::Ok();
    // A possible executable: read its first block, then stream the rest only when it is one.
    la_ssize_t first = archive_read_data(in_.get(), buf_.data(), buf_.size());
    if (first < 0) return ReadError(name);
    if (!LooksExecutable(std::string_view(buf_.data(), static_cast<size_t>(first)))) {
      return base::Status::Ok();
    }
    return Executable(name, perm, usize, static_cast<size_t>(first));
  }

  // Spools an executable to the work directory while looking for build information; keeps it
  // only when some is there.
  base::Status Executable(const std::string& name, unsigned perm, uint64_t size, size_t first) {
    if (size > limits_.max_kept_file_bytes) {
      Warn(name, "not examined: " + std::to_string(size) +
                     " bytes, more than the executable size limit of " +
                     std::to_string(limits_.max_kept_file_bytes));
      return base::Status::Ok();
    }
    const std::string spool = (work_dir_ / ("spool-" + std::to_string(++spools_))).string();
    Fd fd(::open(spool.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (fd.get() < 0) return base::Status::IOError(Errno(spool));
    struct Unlink {
      const std::string& p;
      ~Unlink() { ::unlink(p.c_str()); }
    } unlink_spool{spool};
    MarkerScan scan;
    uint64_t total = 0;
    size_t n = first;
    for (;;) {
      if (total + n > size) return ReadError(name + ": more data than its header says");
      scan.Feed(buf_.data(), n);
      ASSAY_RETURN_IF_ERROR(WriteAll(fd.get(), buf_.data(), n, spool));
      total += n;
      la_ssize_t r = archive_read_data(in_.get(), buf_.data(), buf_.size());
      if (r < 0) return ReadError(name);
      if (r == 0) break;
      n = static_cast<size_t>(r);
      ASSAY_RETURN_IF_ERROR(CheckLimits());
    }
    if (total != size) return ReadError(name + ": ends early");
    if (!scan.found()) return base::Status::Ok();
    ASSAY_RETURN_IF_ERROR(
        out_->Header(name, AE_IFREG, perm, static_cast<int64_t>(size), nullptr, nullptr));
    if (::lseek(fd.get(), 0, SEEK_SET) != 0) return base::Status::IOError(Errno(spool));
    for (;;) {
      ssize_t r = ::read(fd.get(), buf_.data(), buf_.size());
      if (r < 0) {
        if (errno == EINTR) continue;
        return base::Status::IOError(Errno(spool));
      }
      if (r == 0) break;
      ASSAY_RETURN_IF_ERROR(out_->Data(buf_.data(), static_cast<size_t>(r)));
    }
    ++summary_.kept;
    kept_files_.insert(name);
    return base::Status::Ok();
  }

  // Reads what libarchive left of the source (end-of-archive padding, trailing bytes), so the
  // digest covers the whole blob.
  base::Status Drain() {
    for (;;) {
      auto n = ctx_.source->Read(ctx_.buffer.data(), ctx_.buffer.size());
      if (!n.ok()) return base::Status::IOError(std::string(what_) + ": " + n.status().message());
      if (*n == 0) return base::Status::Ok();
      ctx_.sha.Update(std::string_view(ctx_.buffer.data(), *n));
      ctx_.bytes += *n;
    }
  }

  const stdfs::path& work_dir_;
  const ExtractLimits& limits_;
  std::string_view what_;
  ReadContext ctx_;
  ReadArchive in_;
  ExtractWriter* out_ = nullptr;
  std::vector<char> buf_;
  LayerSummary summary_;
  std::unordered_set<std::string> kept_files_;
  int spools_ = 0;
  uint64_t specials_ = 0;
  std::string first_special_;
};

// ---- LayerApplier helpers ----

constexpr uint64_t kResolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

int OpenInRoot(int root, const std::string& rel, int flags) {
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags) | O_CLOEXEC;
  how.resolve = kResolve;
  for (;;) {
    long fd = ::syscall(SYS_openat2, root, rel.empty() ? "." : rel.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno != EAGAIN && errno != EINTR) return -1;
  }
}

base::Status RemoveTree(int parent, const std::string& name);

base::Status RemoveChildren(int dirfd, const std::string& where) {
  int dup = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return base::Status::IOError(Errno(where));
  DIR* d = ::fdopendir(dup);
  if (d == nullptr) {
    ::close(dup);
    return base::Status::IOError(Errno(where));
  }
  std::vector<std::string> names;
  while (struct dirent* de = ::readdir(d)) {
    std::string_view n = de->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  ::closedir(d);
  for (const std::string& n : names) ASSAY_RETURN_IF_ERROR(RemoveTree(dirfd, n));
  return base::Status::Ok();
}

base::Status RemoveTree(int parent, const std::string& name) {
  struct stat st {};
  if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return base::Status::Ok();
    return base::Status::IOError(Errno(name));
  }
  if (S_ISDIR(st.st_mode)) {
    Fd fd(::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) return base::Status::IOError(Errno(name));
    ASSAY_RETURN_IF_ERROR(RemoveChildren(fd.get(), name));
    if (::unlinkat(parent, name.c_str(), AT_REMOVEDIR) != 0) {
      return base::Status::IOError(Errno(name));
    }
    return base::Status::Ok();
  }
  if (::unlinkat(parent, name.c_str(), 0) != 0 && errno != ENOENT) {
    return base::Status::IOError(Errno(name));
  }
  return base::Status::Ok();
}

}  // namespace

base::Result<std::unique_ptr<ByteSource>> OpenFileSource(const stdfs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return base::Status::NotFound(path.string() + ": no such file");
    return base::Status::IOError(Errno(path.string()));
  }
  return std::unique_ptr<ByteSource>(new FileSource(fd, path.string()));
}

bool LooksExecutable(std::string_view head) {
  if (head.size() < 4) return false;
  if (head.substr(0, 4) == std::string_view("\x7f" "ELF", 4)) return true;
  if (head.substr(0, 2) == "MZ") return true;
  auto word = [&](bool big) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      v = (v << 8) | static_cast<uint8_t>(head[static_cast<size_t>(big ? i : 3 - i)]);
    }
    return v;
  };
  const uint32_t le = word(false);
  if (le == 0xfeedface || le == 0xfeedfacf || le == 0xcefaedfe || le == 0xcffaedfe) return true;
  return word(true) == 0xcafebabe;
}

base::Result<LayerSummary> ExtractLayer(ByteSource& source, const stdfs::path& extract_path,
                                        const stdfs::path& work_dir, const ExtractLimits& limits,
                                        std::string_view what) {
  Extractor x(source, work_dir, limits, what);
  return x.Run(extract_path);
}

std::string SummaryToJson(const LayerSummary& s) {
  nlohmann::json j;
  j["digest"] = s.digest;
  j["compressedBytes"] = s.compressed_bytes;
  j["entries"] = s.entries;
  j["kept"] = s.kept;
  j["whiteouts"] = s.whiteouts;
  nlohmann::json w = nlohmann::json::array();
  for (const auto& x : s.warnings) w.push_back({{"location", x.location}, {"message", x.message}});
  j["warnings"] = std::move(w);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

base::Result<LayerSummary> SummaryFromJson(std::string_view json, std::string_view what) {
  try {
    nlohmann::json j = nlohmann::json::parse(json);
    LayerSummary s;
    s.digest = j.at("digest").get<std::string>();
    s.compressed_bytes = j.at("compressedBytes").get<uint64_t>();
    s.entries = j.at("entries").get<uint64_t>();
    s.kept = j.at("kept").get<uint64_t>();
    s.whiteouts = j.at("whiteouts").get<std::vector<std::string>>();
    for (const auto& w : j.at("warnings")) {
      s.warnings.push_back(
          {w.at("location").get<std::string>(), w.at("message").get<std::string>()});
    }
    return s;
  } catch (const nlohmann::json::exception& e) {
    return base::Status::Corruption(std::string(what) + ": " + e.what());
  }
}

// ---- LayerApplier ----

struct LayerApplier::State {
  Fd root;
  std::map<std::string, int, std::less<>> layer_of;
  std::set<int> touched_os;
  std::vector<char> buf = std::vector<char>(kChunk);
  // The directory of the previous entry, kept open: entries of a layer come directory by
  // directory.
  std::string cached_dir;
  Fd cached_fd;

  void Forget() {
    cached_dir.clear();
    cached_fd.Reset();
  }

  // The directory `dir` (resolved inside the root), created with its parents when missing.
  // -1 with `why` set when it cannot be.
  int Dir(std::string_view dir, std::string* why) {
    if (dir.empty()) return root.get();
    if (cached_fd.get() >= 0 && cached_dir == dir) return cached_fd.get();
    std::string d(dir);
    int fd = OpenInRoot(root.get(), d, O_PATH | O_DIRECTORY);
    if (fd < 0 && errno == ENOENT) {
      // Create the missing components one by one, each resolved from the root again.
      size_t at = 0;
      for (;;) {
        size_t slash = d.find('/', at);
        std::string prefix = d.substr(0, slash);
        int probe = OpenInRoot(root.get(), prefix, O_PATH | O_DIRECTORY);
        if (probe < 0 && errno == ENOENT) {
          std::string_view parent = DirName(prefix);
          int pfd = parent.empty() ? root.get()
                                   : OpenInRoot(root.get(), std::string(parent),
                                                O_PATH | O_DIRECTORY);
          if (pfd < 0) {
            *why = Errno(std::string(parent));
            return -1;
          }
          int made = ::mkdirat(pfd, std::string(BaseName(prefix)).c_str(), 0755);
          int err = errno;
          if (pfd != root.get()) ::close(pfd);
          if (made != 0 && err != EEXIST) {
            errno = err;
            *why = Errno(prefix);
            return -1;
          }
          probe = OpenInRoot(root.get(), prefix, O_PATH | O_DIRECTORY);
        }
        if (probe < 0) {
          *why = Errno(prefix);
          return -1;
        }
        if (slash == std::string::npos) {
          fd = probe;
          break;
        }
        ::close(probe);
        at = slash + 1;
      }
    }
    if (fd < 0) {
      *why = Errno(d);
      return -1;
    }
    cached_dir = std::move(d);
    cached_fd = Fd(fd);
    return fd;
  }
};

LayerApplier::LayerApplier(std::unique_ptr<State> state) : state_(std::move(state)) {}
LayerApplier::~LayerApplier() = default;

base::Result<std::unique_ptr<LayerApplier>> LayerApplier::Create(const stdfs::path& root) {
  auto state = std::make_unique<State>();
  state->root = Fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (state->root.get() < 0) return base::Status::IOError(Errno(root.string()));
  return std::unique_ptr<LayerApplier>(new LayerApplier(std::move(state)));
}

int LayerApplier::LayerOf(std::string_view rel) const {
  auto it = state_->layer_of.find(rel);
  return it == state_->layer_of.end() ? -1 : it->second;
}

bool LayerApplier::TouchedOsFiles(int index) const { return state_->touched_os.count(index) != 0; }

base::Status LayerApplier::Apply(int index, const stdfs::path& extract,
                                 const std::vector<std::string>& whiteouts,
                                 std::vector<model::InventoryWarning>& warnings) {
  State& s = *state_;
  s.Forget();
  // Whiteouts first: they remove what the layers below had, never this layer's own entries.
  for (const std::string& w : whiteouts) {
    std::string_view dir = DirName(w);
    std::string_view base = BaseName(w);
    int dfd = OpenInRoot(s.root.get(), std::string(dir), O_RDONLY | O_DIRECTORY);
    if (dfd < 0) continue;  // nothing below to remove
    Fd dir_fd(dfd);
    base::Status st = base == ".wh..wh..opq" ? RemoveChildren(dir_fd.get(), std::string(dir))
                                             : RemoveTree(dir_fd.get(), std::string(base.substr(4)));
    if (!st.ok()) warnings.push_back({w, "whiteout not applied: " + st.message()});
    s.touched_os.insert(index);  // a removal may concern a package database: look again
  }

  ReadArchive in(archive_read_new());
  if (!in) return base::Status::Internal("libarchive: out of memory");
  archive_read_support_format_tar(in.get());
  archive_read_support_format_empty(in.get());
  const std::string path = extract.string();
  if (archive_read_open_filename(in.get(), path.c_str(), kChunk) != ARCHIVE_OK) {
    return base::Status::Corruption(path + ": " + archive_error_string(in.get()));
  }
  for (;;) {
    struct archive_entry* e = nullptr;
    int r = archive_read_next_header(in.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return base::Status::Corruption(path + ": " + archive_error_string(in.get()));
    const std::string name = archive_entry_pathname(e) != nullptr ? archive_entry_pathname(e) : "";
    if (name.empty()) continue;
    std::string why;
    std::string base(BaseName(name));
    int dfd = s.Dir(DirName(name), &why);
    if (dfd < 0) {
      warnings.push_back({name, "not created: " + why});
      continue;
    }
    struct stat st {};
    const bool exists = ::fstatat(dfd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    const char* hardlink = archive_entry_hardlink(e);
    const unsigned type = hardlink != nullptr ? AE_IFREG : archive_entry_filetype(e);
    if (type == AE_IFDIR) {
      // A directory replaces a file or symlink of a lower layer; otherwise it is created only
      // when something is put into it.
      if (exists && !S_ISDIR(st.st_mode)) {
        ::unlinkat(dfd, base.c_str(), 0);
        s.Forget();
      }
      continue;
    }
    if (exists) {
      if (S_ISDIR(st.st_mode)) {
        s.Forget();
        dfd = s.Dir(DirName(name), &why);
        if (dfd < 0) {
          warnings.push_back({name, "not created: " + why});
          continue;
        }
        if (base::Status rm = RemoveTree(dfd, base); !rm.ok()) {
          warnings.push_back({name, "not replaced: " + rm.message()});
          continue;
        }
        s.Forget();
        dfd = s.Dir(DirName(name), &why);
        if (dfd < 0) continue;
      } else if (::unlinkat(dfd, base.c_str(), 0) != 0) {
        warnings.push_back({name, "not replaced: " + Errno(name)});
        continue;
      }
    }
    if (hardlink != nullptr) {
      const std::string target = hardlink;
      int tdir = OpenInRoot(s.root.get(), std::string(DirName(target)), O_PATH | O_DIRECTORY);
      Fd tdir_fd(tdir);
      if (tdir < 0 ||
          ::linkat(tdir, std::string(BaseName(target)).c_str(), dfd, base.c_str(), 0) != 0) {
        warnings.push_back({name, "hardlink to " + target + " not created: " + Errno(target)});
        continue;
      }
    } else if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(e);
      if (target == nullptr || ::symlinkat(target, dfd, base.c_str()) != 0) {
        warnings.push_back({name, "symlink not created: " + Errno(name)});
        continue;
      }
    } else {
      Fd fd(::openat(dfd, base.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     (archive_entry_perm(e) & 0777) | 0600));
      if (fd.get() < 0) {
        warnings.push_back({name, "not created: " + Errno(name)});
        continue;
      }
      for (;;) {
        la_ssize_t n = archive_read_data(in.get(), s.buf.data(), s.buf.size());
        if (n < 0) return base::Status::Corruption(path + ": " + archive_error_string(in.get()));
        if (n == 0) break;
        ASSAY_RETURN_IF_ERROR(WriteAll(fd.get(), s.buf.data(), static_cast<size_t>(n), name));
      }
      // Modes as the layer says (without set-id bits), even where the umask took some away.
      ::fchmod(fd.get(), archive_entry_perm(e) & 0777);
    }
    s.layer_of[name] = index;
    if (OsFileByPath(name)) s.touched_os.insert(index);
  }
  return base::Status::Ok();
}

}  // namespace assay::inventory::image
