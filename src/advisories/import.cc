// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "advisories/import.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <utility>

#include "base/strings.h"
#include "model/ecosystem.h"

namespace assay::advisories {
namespace {

// ---- compact JSON writing -------------------------------------------------------------------

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void AppendStringArray(std::string& out, const std::vector<std::string>& v) {
  out += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(out, v[i]);
  }
  out += ']';
}

void AppendSeverities(std::string& out, const std::vector<model::OsvSeverity>& v) {
  out += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += "{\"type\":";
    AppendJsonString(out, v[i].type);
    out += ",\"score\":";
    AppendJsonString(out, v[i].score);
    out += '}';
  }
  out += ']';
}

std::string_view EventKey(model::OsvEvent::Kind k) {
  switch (k) {
    case model::OsvEvent::Kind::kIntroduced: return "introduced";
    case model::OsvEvent::Kind::kFixed: return "fixed";
    case model::OsvEvent::Kind::kLastAffected: return "last_affected";
    case model::OsvEvent::Kind::kLimit: return "limit";
  }
  return "limit";
}

std::string EntryStem(std::string_view name) {
  size_t slash = name.rfind('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  if (name.size() > 5 && name.substr(name.size() - 5) == ".json") name.remove_suffix(5);
  return std::string(name);
}

bool IsJsonEntry(std::string_view name) {
  return name.size() > 5 && name.substr(name.size() - 5) == ".json" && name.back() != '/';
}

// ---- zip access -----------------------------------------------------------------------------

struct ZipCloser {
  void operator()(zip_t* z) const {
    if (z != nullptr) zip_discard(z);  // read-only: nothing to write back
  }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

base::Status ZipOpenError(const std::filesystem::path& path, int code) {
  zip_error_t ze;
  zip_error_init_with_code(&ze, code);
  std::string msg = zip_error_strerror(&ze);
  zip_error_fini(&ze);
  return base::Status::Corruption(path.string() + ": not a readable zip (" + msg +
                                  "); truncated or damaged download?");
}

base::Result<ZipPtr> OpenZip(const std::filesystem::path& path) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (z == nullptr) {
    if (err == ZIP_ER_NOENT) return base::Status::NotFound(path.string() + ": no such file");
    return ZipOpenError(path, err);
  }
  return ZipPtr(z);
}

// A zip file mapped read-only. The workers each open their own libzip handle over the same
// bytes (a buffer source: no system call per entry, unlike libzip's file source, which stats the
// path for every entry it opens).
class MappedZip {
 public:
  static base::Result<std::unique_ptr<MappedZip>> Map(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return base::Status::NotFound(path.string() + ": no such file");
      return base::Status::IOError("open " + path.string() + ": " + std::strerror(errno));
    }
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int e = errno;
      ::close(fd);
      return base::Status::IOError("stat " + path.string() + ": " + std::strerror(e));
    }
    auto size = static_cast<size_t>(st.st_size);
    if (size == 0) {
      ::close(fd);
      return ZipOpenError(path, ZIP_ER_NOZIP);
    }
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) {
      return base::Status::IOError("mmap " + path.string() + ": " + std::strerror(errno));
    }
    return std::unique_ptr<MappedZip>(new MappedZip(path, p, size));
  }
  ~MappedZip() { ::munmap(data_, size_); }
  MappedZip(const MappedZip&) = delete;
  MappedZip& operator=(const MappedZip&) = delete;

  base::Result<ZipPtr> Open() const {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* src = zip_source_buffer_create(data_, size_, 0, &ze);
    if (src == nullptr) {
      zip_error_fini(&ze);
      return base::Status::Internal("zip_source_buffer_create failed");
    }
    zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (z == nullptr) {
      int code = zip_error_code_zip(&ze);
      zip_error_fini(&ze);
      zip_source_free(src);
      return ZipOpenError(path_, code);
    }
    zip_error_fini(&ze);
    return ZipPtr(z);
  }

  // The number of entries the end-of-central-directory record announces (zip64 aware), read
  // without parsing the whole central directory. Corruption when there is no such record.
  base::Result<zip_uint64_t> AnnouncedEntries() const {
    const auto* b = static_cast<const unsigned char*>(data_);
    auto u16 = [&](size_t o) { return static_cast<zip_uint64_t>(b[o] | (b[o + 1] << 8)); };
    auto u32 = [&](size_t o) { return u16(o) | (u16(o + 2) << 16); };
    auto u64 = [&](size_t o) { return u32(o) | (u32(o + 4) << 32); };
    constexpr size_t kEocd = 22;
    if (size_ < kEocd) return ZipOpenError(path_, ZIP_ER_NOZIP);
    // The record sits at the end, followed by a comment of at most 65535 bytes.
    size_t lowest = size_ > kEocd + 65535 ? size_ - kEocd - 65535 : 0;
    // Each entry takes at least a 46-byte central directory header: a larger count is a lie
    // (that would otherwise make the caller plan work for billions of entries).
    auto plausible = [&](zip_uint64_t n) -> base::Result<zip_uint64_t> {
      if (n > size_ / 46) return ZipOpenError(path_, ZIP_ER_INCONS);
      return n;
    };
    for (size_t at = size_ - kEocd + 1; at-- > lowest;) {
      if (u32(at) != 0x06054b50 || at + kEocd + u16(at + 20) != size_) continue;
      zip_uint64_t n = u16(at + 10);
      if (n != 0xffff || at < 20 || u32(at - 20) != 0x07064b50) return plausible(n);
      zip_uint64_t z64 = u64(at - 20 + 8);  // offset of the zip64 end record
      if (z64 > size_ || size_ - z64 < 56 || u32(z64) != 0x06064b50) {
        return ZipOpenError(path_, ZIP_ER_NOZIP);
      }
      return plausible(u64(z64 + 32));
    }
    return ZipOpenError(path_, ZIP_ER_NOZIP);
  }

  // Drops this process's page mappings (the page cache keeps the data): keeps peak RSS to the
  // zips being worked on.
  void Release() const { ::madvise(data_, size_, MADV_DONTNEED); }

 private:
  MappedZip(std::filesystem::path path, void* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}
  std::filesystem::path path_;
  void* data_;
  size_t size_;
};

// ---- pipeline -------------------------------------------------------------------------------

// Entries per unit of work: small enough to keep memory bounded and both threads busy, large
// enough that locking is negligible.
constexpr zip_uint64_t kChunkEntries = 32;

struct Chunk {
  size_t zip;
  zip_uint64_t first;
  zip_uint64_t end;
};

struct Item {
  bool is_block = false;  // `block` holds a compressed raw block for the records that follow
  bool is_record = false;
  bool json_entry = false;  // counts towards ImportReport::entries
  NormalizedRecord record;
  ImportWarning warning;
  std::string block;
};

struct ChunkResult {
  base::Status status;
  std::vector<Item> items;
  int worker = -1;  // who allocated it (and frees it: see Pipeline::Recycle)
};

// Per worker thread: one libzip handle per zip (libzip handles are not thread-safe), a zstd
// context and a reusable read buffer.
struct WorkerState {
  std::vector<ZipPtr> handles;
  RawCodec codec;
  std::string buffer;     // one inflated entry
  std::string block_raw;  // raw records of the block being filled
};

ChunkResult ProcessChunk(const Chunk& chunk, const std::vector<ZipInput>& zips,
                         const std::vector<std::unique_ptr<MappedZip>>& mapped,
                         const std::vector<zip_uint64_t>& counts, int level, WorkerState& ws) {
  ChunkResult out;
  const ZipInput& in = zips[chunk.zip];
  if (!ws.handles[chunk.zip]) {
    // Chunks come in zip order: this worker is done with the earlier zips.
    for (size_t k = 0; k < chunk.zip; ++k) ws.handles[k].reset();
    auto z = mapped[chunk.zip]->Open();
    if (!z.ok()) {
      out.status = z.status();
      return out;
    }
    zip_int64_t n = zip_get_num_entries(z->get(), 0);
    if (n < 0 || static_cast<zip_uint64_t>(n) != counts[chunk.zip]) {
      out.status = base::Status::Corruption(
          in.path.string() + ": the central directory holds " + std::to_string(n) +
          " entries, the end record announces " + std::to_string(counts[chunk.zip]));
      return out;
    }
    ws.handles[chunk.zip] = std::move(*z);
  }
  zip_t* za = ws.handles[chunk.zip].get();
  out.items.reserve(chunk.end - chunk.first + 1);
  // The records of a block follow its item; the item is filled in when the block is closed.
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t block_item = kNone;
  ws.block_raw.clear();
  auto close_block = [&]() -> base::Status {
    if (block_item == kNone) return base::Status::Ok();
    Item& b = out.items[block_item];
    block_item = kNone;
    base::Status s = ws.codec.Compress(ws.block_raw, level, &b.block);
    ws.block_raw.clear();
    return s;
  };
  for (zip_uint64_t i = chunk.first; i < chunk.end; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
      out.status = base::Status::Corruption(in.path.string() + ": entry " + std::to_string(i) +
                                            ": " + zip_strerror(za));
      return out;
    }
    std::string_view name = st.name;
    if (!name.empty() && name.back() == '/') continue;  // a directory
    Item item;
    if (!IsJsonEntry(name)) {
      item.warning = {std::string(kWarnNotJsonEntry), std::string(name), in.source,
                      "zip entry is not a .json record; ignored"};
      out.items.push_back(std::move(item));
      continue;
    }
    item.json_entry = true;
    std::string stem = EntryStem(name);
    if (!(st.valid & ZIP_STAT_SIZE) || st.size > kMaxRecordBytes) {
      item.warning = {std::string(kWarnTooLarge), stem, in.source,
                      "record is larger than " + std::to_string(kMaxRecordBytes) + " bytes"};
      out.items.push_back(std::move(item));
      continue;
    }
    zip_file_t* zf = zip_fopen_index(za, i, 0);
    if (zf == nullptr) {
      out.status = base::Status::Corruption(in.path.string() + ": " + std::string(name) + ": " +
                                            zip_strerror(za));
      return out;
    }
    ws.buffer.resize(st.size);
    zip_uint64_t got = 0;
    bool failed = false;
    while (got < st.size) {
      zip_int64_t n = zip_fread(zf, ws.buffer.data() + got, st.size - got);
      if (n <= 0) {
        failed = true;
        break;
      }
      got += static_cast<zip_uint64_t>(n);
    }
    if (!failed) {
      // Reading one byte more makes libzip reach the end of the stream and check the CRC.
      char extra;
      if (zip_fread(zf, &extra, 1) != 0) failed = true;
    }
    if (failed) {
      std::string msg = zip_file_strerror(zf);
      zip_fclose(zf);
      out.status = base::Status::Corruption(in.path.string() + ": " + std::string(name) +
                                            ": cannot inflate (" + msg + ")");
      return out;
    }
    zip_fclose(zf);
    std::string_view raw(ws.buffer.data(), got);
    auto rec = NormalizeRecord(raw);
    if (!rec.ok()) {
      item.warning = {std::string(kWarnMalformedRecord), stem, in.source,
                      rec.status().message()};
      out.items.push_back(std::move(item));
      continue;
    }
    if (block_item == kNone) {
      Item b;
      b.is_block = true;
      out.items.push_back(std::move(b));
      block_item = out.items.size() - 1;
    }
    rec->raw_offset = ws.block_raw.size();
    ws.block_raw.append(raw);
    item.is_record = true;
    item.record = std::move(*rec);
    out.items.push_back(std::move(item));
    if (ws.block_raw.size() >= kRawBlockTarget) {
      out.status = close_block();
      if (!out.status.ok()) return out;
    }
  }
  out.status = close_block();
  return out;
}

class Pipeline {
 public:
  Pipeline(const std::vector<ZipInput>& zips,
           const std::vector<std::unique_ptr<MappedZip>>& mapped,
           const std::vector<zip_uint64_t>& counts, std::vector<Chunk> chunks, int threads,
           int level)
      : zips_(zips),
        mapped_(mapped),
        counts_(counts),
        chunks_(std::move(chunks)),
        threads_(threads),
        level_(level),
        window_(std::max<size_t>(1, static_cast<size_t>(threads) * 6)),
        slots_(window_),
        ready_(window_, false),
        graveyards_(static_cast<size_t>(threads)) {}

  ~Pipeline() { Stop(); }

  void Start() {
    for (int t = 0; t < threads_; ++t) workers_.emplace_back([this, t] { Work(t); });
  }

  // Hands a consumed chunk back to the worker that built it, to be freed there: glibc frees a
  // block into the arena of the thread that allocated it, and freeing a worker's records on the
  // consumer thread made the threads fight over arena locks.
  void Recycle(ChunkResult&& r) {
    if (r.worker < 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    graveyards_[static_cast<size_t>(r.worker)].push_back(std::move(r));
  }

  // Blocks until chunk `c` (taken in order 0, 1, 2, ...) is ready and returns it.
  ChunkResult Take(size_t c) {
    std::unique_lock<std::mutex> lock(mu_);
    size_t s = c % window_;
    ready_cv_.wait(lock, [&] { return ready_[s]; });
    ChunkResult r = std::move(slots_[s]);
    slots_[s] = ChunkResult();
    ready_[s] = false;
    consumed_ = c + 1;
    lock.unlock();
    space_cv_.notify_all();
    return r;
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    space_cv_.notify_all();
    for (auto& w : workers_) {
      if (w.joinable()) w.join();
    }
    workers_.clear();
  }

 private:
  void Work(int id) {
    WorkerState ws;
    ws.handles.resize(zips_.size());
    std::vector<ChunkResult> dead;
    while (true) {
      size_t c = next_.fetch_add(1);
      if (c >= chunks_.size()) return;
      {
        std::unique_lock<std::mutex> lock(mu_);
        space_cv_.wait(lock, [&] { return stop_ || c < consumed_ + window_; });
        if (stop_) return;
        dead.swap(graveyards_[static_cast<size_t>(id)]);
      }
      dead.clear();
      ChunkResult r;
      try {
        r = ProcessChunk(chunks_[c], zips_, mapped_, counts_, level_, ws);
        r.worker = id;
      } catch (const std::exception& e) {
        r = ChunkResult();
        r.status = base::Status::Internal(std::string("import worker: ") + e.what());
      } catch (...) {
        r = ChunkResult();
        r.status = base::Status::Internal("import worker: unknown exception");
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        slots_[c % window_] = std::move(r);
        ready_[c % window_] = true;
      }
      ready_cv_.notify_all();
    }
  }

  const std::vector<ZipInput>& zips_;
  const std::vector<std::unique_ptr<MappedZip>>& mapped_;
  const std::vector<zip_uint64_t>& counts_;
  const std::vector<Chunk> chunks_;
  const int threads_;
  const int level_;
  const size_t window_;  // chunks in flight at most

  std::atomic<size_t> next_{0};
  std::mutex mu_;
  std::condition_variable ready_cv_;
  std::condition_variable space_cv_;
  std::vector<ChunkResult> slots_;  // guarded by mu_
  std::vector<bool> ready_;         // guarded by mu_
  size_t consumed_ = 0;             // guarded by mu_
  std::vector<std::vector<ChunkResult>> graveyards_;  // per worker; guarded by mu_
  bool stop_ = false;               // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace

std::string FormatWarning(const ImportWarning& w) {
  return "[" + w.code + "] " + w.zip + ": " + w.record_id + ": " + w.message;
}

std::string PackageNameKey(std::string_view ecosystem_base, std::string_view name) {
  if (ecosystem_base == "PyPI") {
    std::string out;
    out.reserve(name.size());
    bool in_sep = false;
    for (char c : name) {
      if (c == '-' || c == '_' || c == '.') {
        if (!in_sep) out += '-';
        in_sep = true;
        continue;
      }
      in_sep = false;
      out += base::ToLower(c);
    }
    return out;
  }
  if (ecosystem_base == "Packagist" || ecosystem_base == "NuGet") return base::AsciiLower(name);
  return std::string(name);
}

std::uint64_t ContentHash(std::string_view bytes) {
  // One multiply-rotate lane over 8-byte words and a murmur3 finaliser; ~2 GB/s.
  constexpr std::uint64_t kP1 = 0x9E3779B185EBCA87ULL;
  constexpr std::uint64_t kP2 = 0xC2B2AE3D27D4EB4FULL;
  constexpr std::uint64_t kP3 = 0x165667B19E3779F9ULL;
  auto rotl = [](std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  std::uint64_t h = kP3 ^ (bytes.size() * kP1);
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    w *= kP2;
    w = rotl(w, 31);
    w *= kP1;
    h ^= w;
    h = rotl(h, 27) * kP1 + kP3;
    p += 8;
    n -= 8;
  }
  std::uint64_t tail = 0;
  for (size_t i = 0; i < n; ++i) tail |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  h ^= rotl(tail * kP2, 31) * kP1;
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  h ^= h >> 33;
  return h;
}

std::string EncodeAffected(const model::OsvAffected& a) {
  std::string out;
  out.reserve(128 + a.ecosystem_specific.size() + a.database_specific.size() +
              a.versions.size() * 16 + a.ranges.size() * 96);
  out += '{';
  bool first = true;
  auto key = [&](std::string_view k) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += k;
    out += "\":";
  };
  if (!a.ecosystem.empty() || !a.name.empty() || !a.purl.empty()) {
    key("package");
    out += '{';
    bool pf = true;
    auto field = [&](std::string_view k, const std::string& v) {
      if (v.empty()) return;
      if (!pf) out += ',';
      pf = false;
      out += '"';
      out += k;
      out += "\":";
      AppendJsonString(out, v);
    };
    field("ecosystem", a.ecosystem);
    field("name", a.name);
    field("purl", a.purl);
    out += '}';
  }
  if (!a.ranges.empty()) {
    key("ranges");
    out += '[';
    for (size_t i = 0; i < a.ranges.size(); ++i) {
      const model::OsvRange& r = a.ranges[i];
      if (i) out += ',';
      out += "{\"type\":";
      AppendJsonString(out, r.type_name);
      if (!r.repo.empty()) {
        out += ",\"repo\":";
        AppendJsonString(out, r.repo);
      }
      out += ",\"events\":[";
      for (size_t j = 0; j < r.events.size(); ++j) {
        if (j) out += ',';
        out += "{\"";
        out += EventKey(r.events[j].kind);
        out += "\":";
        AppendJsonString(out, r.events[j].version);
        out += '}';
      }
      out += "]}";
    }
    out += ']';
  }
  if (!a.versions.empty()) {
    key("versions");
    AppendStringArray(out, a.versions);
  }
  if (!a.severity.empty()) {
    key("severity");
    AppendSeverities(out, a.severity);
  }
  if (!a.ecosystem_specific.empty()) {
    key("ecosystem_specific");
    out += a.ecosystem_specific;
  }
  if (!a.database_specific.empty()) {
    key("database_specific");
    out += a.database_specific;
  }
  out += '}';
  return out;
}

base::Result<model::OsvAffected> DecodeAffected(std::string_view entry_json) {
  // Reuse the OSV decoder so stored entries read back exactly as a fresh parse would.
  std::string doc;
  doc.reserve(entry_json.size() + 48);
  doc += R"({"id":"_","modified":"_","affected":[)";
  doc += entry_json;
  doc += "]}";
  auto a = model::ParseOsv(doc);
  if (!a.ok()) return base::Status::Corruption("stored affected entry: " + a.status().message());
  if (a->affected.size() != 1) return base::Status::Corruption("stored affected entry is not one");
  return std::move(a->affected.front());
}

struct RawCodec::Impl {
  ZSTD_CCtx* cctx = nullptr;
  ZSTD_DCtx* dctx = nullptr;
  std::unique_ptr<char[]> out;  // compression scratch, ZSTD_compressBound of the largest input
  size_t out_size = 0;
};

RawCodec::RawCodec() : impl_(new Impl) {}

RawCodec::~RawCodec() {
  if (impl_->cctx) ZSTD_freeCCtx(impl_->cctx);
  if (impl_->dctx) ZSTD_freeDCtx(impl_->dctx);
  delete impl_;
}

base::Status RawCodec::Compress(std::string_view raw, int level, std::string* out) {
  if (impl_->cctx == nullptr) impl_->cctx = ZSTD_createCCtx();
  if (impl_->cctx == nullptr) return base::Status::Internal("ZSTD_createCCtx failed");
  size_t bound = ZSTD_compressBound(raw.size());
  if (impl_->out_size < bound) {
    impl_->out.reset(new char[bound]);  // not zero-filled, unlike std::string::resize
    impl_->out_size = bound;
  }
  size_t n = ZSTD_compressCCtx(impl_->cctx, impl_->out.get(), bound, raw.data(), raw.size(),
                               level);
  if (ZSTD_isError(n)) {
    return base::Status::Internal(std::string("zstd compress: ") + ZSTD_getErrorName(n));
  }
  out->assign(impl_->out.get(), n);
  return base::Status::Ok();
}

base::Result<std::string> RawCodec::Decompress(std::string_view blob) {
  unsigned long long size = ZSTD_getFrameContentSize(blob.data(), blob.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return base::Status::Corruption("stored record is not a zstd frame");
  }
  if (size > kMaxRawBlockBytes) return base::Status::Corruption("stored record is too large");
  if (impl_->dctx == nullptr) impl_->dctx = ZSTD_createDCtx();
  if (impl_->dctx == nullptr) return base::Status::Internal("ZSTD_createDCtx failed");
  std::string out(size, '\0');
  size_t n = ZSTD_decompressDCtx(impl_->dctx, out.data(), out.size(), blob.data(), blob.size());
  if (ZSTD_isError(n) || n != size) {
    return base::Status::Corruption(std::string("stored record: zstd: ") +
                                    (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame"));
  }
  return out;
}

base::Result<NormalizedRecord> NormalizeRecord(std::string_view json) {
  ASSAY_ASSIGN_OR_RETURN(model::Advisory a, model::ParseOsv(json));
  NormalizedRecord r;
  r.id = std::move(a.id);
  r.modified = std::move(a.modified);
  r.published = std::move(a.published);
  r.withdrawn = std::move(a.withdrawn);
  r.summary = std::move(a.summary);
  AppendStringArray(r.aliases_json, a.aliases);
  AppendStringArray(r.related_json, a.related);
  r.aliases = std::move(a.aliases);
  r.related = std::move(a.related);
  if (!a.severity.empty()) AppendSeverities(r.severity_json, a.severity);
  r.database_specific = std::move(a.database_specific);
  r.content_hash = ContentHash(json);
  r.raw_size = json.size();
  r.affected.reserve(a.affected.size());
  for (model::OsvAffected& af : a.affected) {
    NormalizedAffected n;
    n.entry_json = EncodeAffected(af);
    n.ecosystem_base = std::string(model::SplitEcosystem(af.ecosystem).base);
    n.name_key = PackageNameKey(n.ecosystem_base, af.name);
    n.ecosystem = std::move(af.ecosystem);
    n.name = std::move(af.name);
    if (!n.ecosystem.empty() &&
        std::find(r.ecosystems.begin(), r.ecosystems.end(), n.ecosystem) == r.ecosystems.end()) {
      r.ecosystems.push_back(n.ecosystem);
    }
    r.affected.push_back(std::move(n));
  }
  std::sort(r.ecosystems.begin(), r.ecosystems.end());
  return r;
}

base::Result<std::size_t> CountJsonEntries(const std::filesystem::path& zip) {
  ASSAY_ASSIGN_OR_RETURN(ZipPtr z, OpenZip(zip));
  zip_int64_t n = zip_get_num_entries(z.get(), 0);
  std::size_t count = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(z.get(), static_cast<zip_uint64_t>(i), 0);
    if (name != nullptr && IsJsonEntry(name)) ++count;
  }
  return count;
}

base::Status ImportZips(const std::vector<ZipInput>& zips, RecordSink& sink,
                        const ImportOptions& options, std::vector<ImportReport>* reports) {
  reports->clear();
  // Plan the chunks from the entry counts the zips announce; each worker checks the count
  // against the central directory it parses.
  std::vector<std::unique_ptr<MappedZip>> mapped;
  std::vector<zip_uint64_t> counts;
  std::vector<Chunk> chunks;
  std::size_t total = 0;
  for (size_t z = 0; z < zips.size(); ++z) {
    ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<MappedZip> m, MappedZip::Map(zips[z].path));
    ASSAY_ASSIGN_OR_RETURN(zip_uint64_t count, m->AnnouncedEntries());
    if (count == 0) {
      // An empty zip has no chunk for a worker to check: check it here.
      ASSAY_ASSIGN_OR_RETURN(ZipPtr check, m->Open());
      if (zip_get_num_entries(check.get(), 0) != 0) {
        return base::Status::Corruption(zips[z].path.string() +
                                        ": the end record announces no entries, the central "
                                        "directory holds some");
      }
    }
    mapped.push_back(std::move(m));
    counts.push_back(count);
    total += count;
    for (zip_uint64_t first = 0; first < count; first += kChunkEntries) {
      chunks.push_back({z, first, std::min(count, first + kChunkEntries)});
    }
  }
  int threads = options.threads > 0 ? options.threads
                                    : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 16);

  // One chunk of work is done on the calling thread: small imports need no threads.
  const bool inline_work = chunks.size() <= 1;
  Pipeline pipeline(zips, mapped, counts, chunks, inline_work ? 0 : threads, options.zstd_level);
  pipeline.Start();
  std::unique_ptr<WorkerState> inline_state;
  auto take = [&](size_t c) -> ChunkResult {
    if (!inline_work) return pipeline.Take(c);
    if (!inline_state) {
      inline_state = std::make_unique<WorkerState>();
      inline_state->handles.resize(zips.size());
    }
    try {
      return ProcessChunk(chunks[c], zips, mapped, counts, options.zstd_level, *inline_state);
    } catch (const std::exception& e) {
      ChunkResult r;
      r.status = base::Status::Internal(std::string("import: ") + e.what());
      return r;
    }
  };

  std::size_t done = 0;
  std::optional<size_t> open_zip;
  std::unordered_set<std::string> seen_ids;
  ImportReport report;
  auto close_zip = [&]() -> base::Status {
    if (!open_zip) return base::Status::Ok();
    base::Status s = sink.EndZip(*open_zip, report);
    mapped[*open_zip]->Release();
    reports->push_back(std::move(report));
    report = ImportReport();
    open_zip.reset();
    seen_ids.clear();
    return s;
  };
  // Opens every zip up to and including `z`, closing the previous ones (zips without entries
  // still get their Begin/End).
  auto advance_to = [&](size_t z) -> base::Status {
    size_t next = open_zip ? *open_zip + 1 : reports->size();
    if (open_zip && *open_zip == z) return base::Status::Ok();
    ASSAY_RETURN_IF_ERROR(close_zip());
    for (size_t k = next; k <= z; ++k) {
      report = ImportReport();
      report.source = zips[k].source;
      ASSAY_RETURN_IF_ERROR(sink.BeginZip(k, zips[k]));
      open_zip = k;
      if (k != z) ASSAY_RETURN_IF_ERROR(close_zip());
    }
    return base::Status::Ok();
  };

  for (size_t c = 0; c < chunks.size(); ++c) {
    ChunkResult r = take(c);
    if (!r.status.ok()) {
      pipeline.Stop();
      return r.status;
    }
    base::Status s = advance_to(chunks[c].zip);
    for (Item& item : r.items) {
      if (!s.ok()) break;
      if (item.is_block) {
        s = sink.AddRawBlock(chunks[c].zip, item.block);
        continue;
      }
      if (item.json_entry) ++report.entries;
      if (item.is_record) {
        if (!seen_ids.insert(item.record.id).second) {
          item.warning = {std::string(kWarnDuplicateId), item.record.id, report.source,
                          "the zip holds this id more than once; the first record is kept"};
        } else {
          ++report.imported;
          s = sink.Add(chunks[c].zip, std::move(item.record));
          ++done;
          if (options.on_progress && done % 2048 == 0) options.on_progress(done, total);
          continue;
        }
      }
      if (options.on_warning) options.on_warning(item.warning);
      report.warnings.push_back(std::move(item.warning));
    }
    pipeline.Recycle(std::move(r));
    if (!s.ok()) {
      pipeline.Stop();
      return s;
    }
  }
  pipeline.Stop();
  if (!zips.empty()) ASSAY_RETURN_IF_ERROR(advance_to(zips.size() - 1));
  ASSAY_RETURN_IF_ERROR(close_zip());
  if (options.on_progress) options.on_progress(done, total);
  return base::Status::Ok();
}

}  // namespace assay::advisories
