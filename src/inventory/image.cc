// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Image sources (OCI layout, oci-archive, docker-archive, registries), the layer extract cache,
// and the assembly of the extracts into the inventory; image.h has the contract.
#include "inventory/image.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/sha256.h"
#include "inventory/fs.h"
#include "inventory/image_layer.h"
#include "inventory/image_manifest.h"
#include "inventory/registry.h"

namespace assay::inventory {
namespace {

namespace stdfs = std::filesystem;
using image::ByteSource;
using image::LayerSummary;

// Bumped whenever what an extract holds changes (the cache key includes it).
constexpr int kExtractFormat = 1;
constexpr uint64_t kMaxDocumentBytes = uint64_t{4} << 20;    // manifests, indexes, configs
constexpr uint64_t kMaxArchiveDocuments = uint64_t{64} << 20;  // all small files of an archive
constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";

// ---- the private directory ----

// $TMPDIR when set; else /dev/shm when it is a writable memory filesystem with room to spare
// (an image's kept files are small, and creating thousands of directories and symlinks on a
// busy disk costs far more than the layer reads); else /tmp.
stdfs::path DefaultTempParent() {
  if (const char* tmp = ::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') return tmp;
  struct statvfs vfs {};
  if (::statvfs("/dev/shm", &vfs) == 0 && ::access("/dev/shm", W_OK) == 0 &&
      static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize >= (uint64_t{2} << 30)) {
    return "/dev/shm";
  }
  return "/tmp";
}

// Where downloaded layer blobs wait to be read: on disk, never in memory.
stdfs::path DiskTempParent() {
  if (const char* tmp = ::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') return tmp;
  return ::access("/var/tmp", W_OK) == 0 ? "/var/tmp" : "/tmp";
}

class PrivateDir {
 public:
  static base::Result<PrivateDir> Create(const stdfs::path& parent) {
    stdfs::path base = parent.empty() ? DefaultTempParent() : parent;
    std::string tmpl = (base / "assay-image-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      return base::Status::IOError(tmpl + ": cannot create a private directory: " +
                                   std::strerror(errno));
    }
    PrivateDir d;
    d.path_ = tmpl;
    std::error_code ec;
    stdfs::create_directory(d.path_ / "root", ec);
    stdfs::create_directory(d.path_ / "work", ec);
    if (ec) return base::Status::IOError(d.path_.string() + ": " + ec.message());
    return d;
  }
  PrivateDir() = default;
  PrivateDir(PrivateDir&& o) noexcept : path_(std::exchange(o.path_, {})) {}
  PrivateDir& operator=(PrivateDir&&) = delete;
  ~PrivateDir() {
    if (path_.empty()) return;
    std::error_code ec;
    stdfs::remove_all(path_, ec);  // never follows symlinks
  }
  stdfs::path root() const { return path_ / "root"; }
  stdfs::path work() const { return path_ / "work"; }

 private:
  stdfs::path path_;
};

// ---- the layer extract cache ----

class LayerCache {
 public:
  LayerCache(stdfs::path dir, std::string salt) : dir_(std::move(dir)), salt_(std::move(salt)) {}
  bool enabled() const { return !dir_.empty(); }

  struct Hit {
    stdfs::path extract;
    LayerSummary summary;
  };

  std::optional<Hit> Lookup(const std::string& digest) const {
    if (!enabled()) return std::nullopt;
    stdfs::path base = Base(digest);
    auto json = base::ReadFile(base.string() + ".json");
    if (!json.ok()) return std::nullopt;
    auto summary = image::SummaryFromJson(*json, base.string() + ".json");
    std::error_code ec;
    if (!summary.ok() || summary->digest != digest || !stdfs::is_regular_file(base.string() + ".tar", ec)) {
      return std::nullopt;
    }
    return Hit{base.string() + ".tar", std::move(*summary)};
  }

  // Where a new extract for `digest` is written before Commit.
  stdfs::path PendingExtract(const std::string& digest) const {
    return Base(digest).string() + ".tar." + std::to_string(::getpid()) + ".new";
  }

  // Moves the extract in and writes the summary last, so a reader sees both or neither.
  base::Result<stdfs::path> Commit(const std::string& digest, const stdfs::path& pending,
                                   const LayerSummary& summary) const {
    stdfs::path base = Base(digest);
    std::error_code ec;
    stdfs::rename(pending, base.string() + ".tar", ec);
    if (ec) return base::Status::IOError(base.string() + ".tar: " + ec.message());
    ASSAY_RETURN_IF_ERROR(base::WriteFileAtomic(base.string() + ".json", image::SummaryToJson(summary)));
    return stdfs::path(base.string() + ".tar");
  }

  base::Status Prepare() const {
    if (!enabled()) return base::Status::Ok();
    std::error_code ec;
    stdfs::create_directories(dir_ / "layers", ec);
    if (ec) return base::Status::IOError((dir_ / "layers").string() + ": " + ec.message());
    return base::Status::Ok();
  }

 private:
  stdfs::path Base(const std::string& digest) const {
    auto key = base::Sha256Hex(digest + "\n" + salt_);
    return dir_ / "layers" / (key.ok() ? *key : std::string(DigestHex(digest)));
  }
  stdfs::path dir_;
  std::string salt_;
};

// What the extracts depend on besides the layer's bytes: the extract format and every
// collector's version (they decide which files are kept), and the kept-file limit.
std::string CacheSalt(const ImageOptions& options) {
  std::string salt = "extract-" + std::to_string(kExtractFormat) + ";" +
                     std::to_string(options.limits.max_kept_file_bytes);
  for (const CollectorEntry& c : Collectors()) {
    salt += ";" + std::string(c.name) + "@" + std::to_string(c.make(CollectOptions{})->Version());
  }
  return salt;
}

image::ExtractLimits ExtractLimitsOf(const ImageLimits& l) {
  return {l.max_layer_bytes, l.max_ratio, l.max_entries, l.max_kept_file_bytes};
}

// ---- a layer ready to apply ----

struct PreparedLayer {
  stdfs::path extract;
  LayerSummary summary;
  bool from_cache = false;
};

// Extracts one layer from `open()` (or takes it from the cache) and checks its digest.
base::Result<PreparedLayer> PrepareLayer(const std::string& digest,
                                         const std::function<base::Result<std::unique_ptr<ByteSource>>()>& open,
                                         const LayerCache& cache, const PrivateDir& dir, int slot,
                                         const ImageOptions& options) {
  if (auto hit = cache.Lookup(digest)) return PreparedLayer{hit->extract, std::move(hit->summary), true};
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, open());
  const std::string what = "layer " + digest;
  stdfs::path spool_dir = dir.work() / ("slot-" + std::to_string(slot));
  std::error_code ec;
  stdfs::create_directories(spool_dir, ec);
  stdfs::path out = cache.enabled() ? cache.PendingExtract(digest)
                                    : dir.work() / (std::string(DigestHex(digest)) + ".tar");
  auto summary = image::ExtractLayer(*source, out, spool_dir, ExtractLimitsOf(options.limits), what);
  if (!summary.ok()) {
    stdfs::remove(out, ec);
    return summary.status();
  }
  if (summary->digest != digest) {
    stdfs::remove(out, ec);
    return base::Status::Corruption(what + ": digest mismatch: the blob's bytes hash to " +
                                    summary->digest);
  }
  if (cache.enabled()) {
    auto committed = cache.Commit(digest, out, *summary);
    if (!committed.ok()) return committed.status();
    out = *committed;
  }
  return PreparedLayer{out, std::move(*summary), false};
}

// Prepares every layer, `parallel` at a time; the first error wins.
base::Result<std::vector<PreparedLayer>> PrepareLayers(
    const std::vector<ImageLayer>& layers,
    const std::function<base::Result<std::unique_ptr<ByteSource>>(size_t)>& open,
    const LayerCache& cache, const PrivateDir& dir, const ImageOptions& options) {
  std::vector<std::optional<base::Result<PreparedLayer>>> results(layers.size());
  std::atomic<size_t> next{0};
  auto worker = [&](int slot) {
    for (size_t i = next++; i < layers.size(); i = next++) {
      results[i] = PrepareLayer(
          layers[i].digest, [&, i] { return open(i); }, cache, dir, slot, options);
      if (!results[i]->ok()) next = layers.size();  // stop handing out work
    }
  };
  const int n = std::clamp(options.parallel_layers, 1, 8);
  std::vector<std::thread> threads;
  for (int t = 1; t < n && static_cast<size_t>(t) < layers.size(); ++t) threads.emplace_back(worker, t);
  worker(0);
  for (std::thread& t : threads) t.join();
  std::vector<PreparedLayer> out;
  for (auto& r : results) {
    if (!r) continue;
    if (!r->ok()) return r->status();
    out.push_back(std::move(**r));
  }
  if (out.size() != layers.size()) return base::Status::Internal("a layer was not prepared");
  return out;
}

// ---- assembly ----

std::string PackageKey(const model::Package& p) {
  return p.package_manager + '\0' + p.ecosystem + '\0' + p.name + '\0' + p.version + '\0' + p.arch;
}

// The file a language package was found in: "a.war!/WEB-INF/lib/b.jar" was found in "a.war".
std::string_view OuterFile(std::string_view path) {
  size_t bang = path.find("!/");
  return bang == std::string_view::npos ? path : path.substr(0, bang);
}

base::Result<ImageInventory> Assemble(ImageInfo info, std::vector<PreparedLayer> prepared,
                                      const PrivateDir& dir, const ImageOptions& options) {
  ImageInventory out;
  std::vector<model::InventoryWarning> warnings;
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<image::LayerApplier> applier,
                         image::LayerApplier::Create(dir.root()));
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<Fs> fs, OpenDirFs(dir.root()));
  CollectOptions os_only;
  for (const CollectorEntry& c : Collectors()) {
    if (c.name != "lang") os_only.collectors.emplace_back(c.name);
  }
  std::map<std::string, int> introduced;  // OS package key -> lowest layer listing it
  for (size_t i = 0; i < prepared.size(); ++i) {
    const int index = static_cast<int>(i);
    info.layers[i].from_cache = prepared[i].from_cache;
    for (auto& w : prepared[i].summary.warnings) {
      warnings.push_back({std::move(w.location), std::move(w.message) + " (layer " + info.layers[i].digest + ")"});
    }
    ASSAY_RETURN_IF_ERROR(applier->Apply(index, prepared[i].extract, prepared[i].summary.whiteouts, warnings));
    if (applier->TouchedOsFiles(index)) {
      auto os_inv = CollectInventory(*fs, os_only);
      if (os_inv.ok()) {
        for (const model::Package& p : os_inv->packages) introduced.emplace(PackageKey(p), index);
      }
    }
  }
  ASSAY_ASSIGN_OR_RETURN(out.inventory, CollectInventory(*fs, options.collect));
  for (model::Package& p : out.inventory.packages) {
    int layer = -1;
    if (OsFileByPath(p.path)) {
      auto it = introduced.find(PackageKey(p));
      if (it != introduced.end()) layer = it->second;
    }
    if (layer < 0) layer = applier->LayerOf(OuterFile(p.path));
    if (layer >= 0 && static_cast<size_t>(layer) < info.layers.size()) {
      p.layer_digest = info.layers[static_cast<size_t>(layer)].digest;
    }
  }
  for (auto& w : warnings) out.inventory.warnings.push_back(std::move(w));
  out.image = std::move(info);
  return out;
}

void FillFromConfig(ImageInfo& info, const ImageConfig& config) {
  info.os = config.platform.os;
  info.architecture = config.platform.architecture;
  info.variant = config.platform.variant;
  info.created = config.created;
  info.labels = config.labels;
}

base::Status CheckLayerCount(const ImageManifest& m, const ImageOptions& options, std::string_view what) {
  if (m.layers.size() > options.limits.max_layers) {
    return base::Status::InvalidArgument(std::string(what) + ": " + std::to_string(m.layers.size()) +
                                         " layers, more than the limit of " +
                                         std::to_string(options.limits.max_layers));
  }
  return base::Status::Ok();
}

std::vector<ImageLayer> LayersOf(const ImageManifest& m, const ImageConfig& config) {
  std::vector<ImageLayer> layers;
  for (size_t i = 0; i < m.layers.size(); ++i) {
    ImageLayer l;
    l.digest = m.layers[i].digest;
    l.media_type = m.layers[i].media_type;
    l.size = static_cast<uint64_t>(m.layers[i].size);
    if (i < config.diff_ids.size()) l.diff_id = config.diff_ids[i];
    layers.push_back(std::move(l));
  }
  return layers;
}

base::Result<Platform> WantedPlatform(const ImageOptions& options) {
  if (options.platform.empty()) return HostPlatform();
  return ParsePlatform(options.platform);
}

// Splits "PATH:TAG" when PATH alone does not exist but the part before the last ':' does.
std::pair<std::string, std::string> SplitPathTag(std::string_view spec) {
  std::error_code ec;
  if (stdfs::exists(std::string(spec), ec)) return {std::string(spec), ""};
  size_t colon = spec.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return {std::string(spec), ""};
  return {std::string(spec.substr(0, colon)), std::string(spec.substr(colon + 1))};
}

// ---- OCI layout: a directory, or the small documents of an oci-archive ----

// Blob access by digest, whatever holds the layout.
using BlobReader = std::function<base::Result<std::string>(const std::string& digest)>;

// index.json -> the manifest for `tag` and the platform -> manifest and config.
struct Resolved {
  ImageManifest manifest;
  std::string manifest_digest;
  ImageConfig config;
  std::string config_digest;
};

base::Result<Resolved> ResolveLayout(std::string_view index_json, const BlobReader& blob,
                                     const std::string& tag, const ImageOptions& options,
                                     const std::string& where) {
  ASSAY_ASSIGN_OR_RETURN(ImageIndex index, ParseImageIndex(index_json, kOciIndexMediaType, where + "/index.json"));
  ASSAY_ASSIGN_OR_RETURN(Platform want, WantedPlatform(options));
  std::vector<Descriptor> candidates;
  std::set<std::string> tags;
  for (const Descriptor& d : index.manifests) {
    auto it = d.annotations.find(std::string(kRefNameAnnotation));
    if (it != d.annotations.end()) tags.insert(it->second);
    if (tag.empty() || (it != d.annotations.end() && it->second == tag)) candidates.push_back(d);
  }
  auto list = [&] {
    std::string s;
    for (const std::string& t : tags) s += (s.empty() ? "" : ", ") + t;
    return s.empty() ? std::string("none") : s;
  };
  if (candidates.empty()) {
    return base::Status::NotFound(where + ": no image tagged '" + tag + "' (tags: " + list() + ")");
  }
  Descriptor chosen = candidates.front();
  if (candidates.size() > 1) {
    bool all_have_platform = std::all_of(candidates.begin(), candidates.end(),
                                         [](const Descriptor& d) { return !d.platform.os.empty(); });
    if (!all_have_platform) {
      return base::Status::InvalidArgument(where + ": holds several images; name one with :TAG (tags: " +
                                           list() + ")");
    }
    ImageIndex sub{index.media_type, candidates};
    ASSAY_ASSIGN_OR_RETURN(chosen, SelectPlatform(sub, want, where + "/index.json"));
  }
  Resolved r;
  for (int depth = 0;; ++depth) {
    if (depth > 4) return base::Status::Corruption(where + ": indexes nested too deeply");
    ASSAY_RETURN_IF_ERROR(ValidateDigest(chosen.digest, where + ": manifest digest"));
    ASSAY_ASSIGN_OR_RETURN(std::string bytes, blob(chosen.digest));
    const std::string what = "manifest " + chosen.digest;
    ASSAY_ASSIGN_OR_RETURN(ManifestKind kind, ClassifyManifest(bytes, chosen.media_type, what));
    if (kind == ManifestKind::kManifest) {
      ASSAY_ASSIGN_OR_RETURN(r.manifest, ParseImageManifest(bytes, chosen.media_type, what));
      r.manifest_digest = chosen.digest;
      break;
    }
    ASSAY_ASSIGN_OR_RETURN(ImageIndex sub, ParseImageIndex(bytes, chosen.media_type, what));
    ASSAY_ASSIGN_OR_RETURN(chosen, SelectPlatform(sub, want, what));
  }
  r.config_digest = r.manifest.config.digest;
  ASSAY_ASSIGN_OR_RETURN(std::string config, blob(r.config_digest));
  ASSAY_ASSIGN_OR_RETURN(r.config, ParseImageConfig(config, "config " + r.config_digest));
  return r;
}

base::Result<std::string> ReadVerified(const stdfs::path& path, const std::string& digest) {
  std::error_code ec;
  auto size = stdfs::file_size(path, ec);
  if (ec) return base::Status::NotFound(path.string() + ": blob " + digest + " is missing");
  if (size > kMaxDocumentBytes) {
    return base::Status::InvalidArgument(path.string() + ": " + std::to_string(size) +
                                         " bytes, too large for a manifest or config");
  }
  ASSAY_ASSIGN_OR_RETURN(std::string bytes, base::ReadFile(path));
  if (DigestOf(bytes) != digest) {
    return base::Status::Corruption("blob " + digest + ": digest mismatch: got " + DigestOf(bytes));
  }
  return bytes;
}

base::Result<ImageInventory> CollectLayout(const std::string& spec, const ImageOptions& options) {
  auto [dir_text, tag] = SplitPathTag(spec);
  std::error_code ec;
  stdfs::path dir = stdfs::absolute(dir_text, ec);
  if (!stdfs::is_directory(dir, ec)) return base::Status::NotFound(dir_text + ": no such OCI layout directory");
  auto layout = base::ReadFile(dir / "oci-layout");
  if (!layout.ok()) return base::Status::InvalidArgument(dir.string() + ": not an OCI image layout (no oci-layout file)");
  auto index = base::ReadFile(dir / "index.json");
  if (!index.ok()) return base::Status::InvalidArgument(dir.string() + "/index.json: " + index.status().message());
  auto blob_path = [dir](const std::string& digest) {
    return dir / "blobs" / "sha256" / std::string(DigestHex(digest));
  };
  BlobReader blob = [&](const std::string& digest) -> base::Result<std::string> {
    ASSAY_RETURN_IF_ERROR(ValidateDigest(digest, "blob"));
    return ReadVerified(blob_path(digest), digest);
  };
  ASSAY_ASSIGN_OR_RETURN(Resolved r, ResolveLayout(*index, blob, tag, options, dir.string()));
  ASSAY_RETURN_IF_ERROR(CheckLayerCount(r.manifest, options, dir.string()));
  ImageInfo info;
  info.reference = "oci:" + dir.string() + (tag.empty() ? "" : ":" + tag);
  info.manifest_digest = r.manifest_digest;
  info.config_digest = r.config_digest;
  FillFromConfig(info, r.config);
  if (!tag.empty()) info.repo_tags.push_back(tag);
  info.layers = LayersOf(r.manifest, r.config);
  ASSAY_ASSIGN_OR_RETURN(PrivateDir pdir, PrivateDir::Create(options.temp_dir));
  LayerCache cache(options.cache_dir, CacheSalt(options));
  ASSAY_RETURN_IF_ERROR(cache.Prepare());
  ASSAY_ASSIGN_OR_RETURN(
      std::vector<PreparedLayer> prepared,
      PrepareLayers(
          info.layers, [&](size_t i) { return image::OpenFileSource(blob_path(info.layers[i].digest)); },
          cache, pdir, options));
  return Assemble(std::move(info), std::move(prepared), pdir, options);
}

// ---- archives: one pass over the outer tar ----

// The bytes of the outer archive's current entry, after a first block already read.
class OuterEntrySource final : public ByteSource {
 public:
  OuterEntrySource(struct archive* a, std::string first) : a_(a), first_(std::move(first)) {}
  base::Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ < first_.size()) {
      size_t k = std::min(n, first_.size() - pos_);
      std::memcpy(buf, first_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    la_ssize_t r = archive_read_data(a_, buf, n);
    if (r < 0) {
      const char* s = archive_error_string(a_);
      return base::Status::Corruption(std::string("outer archive: ") + (s != nullptr ? s : "unreadable"));
    }
    return static_cast<size_t>(r);
  }

 private:
  struct archive* a_;
  std::string first_;
  size_t pos_ = 0;
};

struct ArchivePass {
  std::map<std::string, std::string> documents;           // small files, by normalised name
  std::map<std::string, PreparedLayer> layers;            // by normalised name
  std::map<std::string, std::string> failed;              // name -> why it is not a layer
  std::map<std::string, std::string> aliases;             // symlink / hardlink name -> target
};

std::string NormaliseArchiveName(std::string_view raw) {
  std::string out;
  size_t i = 0;
  while (i <= raw.size()) {
    size_t j = raw.find('/', i);
    if (j == std::string_view::npos) j = raw.size();
    std::string_view part = raw.substr(i, j - i);
    if (part == "..") {
      size_t slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (!part.empty() && part != ".") {
      if (!out.empty()) out += '/';
      out += part;
    }
    i = j + 1;
  }
  return out;
}

base::Result<ArchivePass> ReadArchive(const stdfs::path& file, const LayerCache& cache,
                                      const PrivateDir& dir, const ImageOptions& options,
                                      bool oci_names) {
  struct Free {
    void operator()(struct archive* a) const { archive_read_free(a); }
  };
  std::unique_ptr<struct archive, Free> a(archive_read_new());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), size_t{1} << 20) != ARCHIVE_OK) {
    const char* s = archive_error_string(a.get());
    return base::Status::InvalidArgument(file.string() + ": not a tar archive: " + (s ? s : ""));
  }
  ArchivePass pass;
  uint64_t document_bytes = 0;
  int slot = 0;
  for (;;) {
    struct archive_entry* e = nullptr;
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      const char* s = archive_error_string(a.get());
      return base::Status::Corruption(file.string() + ": " + (s ? s : "broken tar archive"));
    }
    const char* raw = archive_entry_pathname(e);
    std::string name = NormaliseArchiveName(raw != nullptr ? raw : "");
    if (name.empty()) continue;
    if (const char* link = archive_entry_hardlink(e)) {
      pass.aliases[name] = NormaliseArchiveName(link);
      continue;
    }
    if (archive_entry_filetype(e) == AE_IFLNK) {
      const char* target = archive_entry_symlink(e);
      std::string parent = name.substr(0, name.rfind('/') == std::string::npos ? 0 : name.rfind('/'));
      pass.aliases[name] = NormaliseArchiveName(parent + "/" + (target ? target : ""));
      continue;
    }
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    const int64_t size = archive_entry_size(e);
    // A blob named by its digest: a cached extract spares reading it.
    std::string digest;
    if (oci_names || name.starts_with("blobs/sha256/")) {
      if (name.starts_with("blobs/sha256/")) digest = "sha256:" + name.substr(13);
      if (!digest.empty() && !ValidateDigest(digest, name).ok()) digest.clear();
    }
    std::string first(64 * 1024, '\0');
    la_ssize_t n = archive_read_data(a.get(), first.data(), first.size());
    if (n < 0) {
      const char* s = archive_error_string(a.get());
      return base::Status::Corruption(file.string() + ": " + name + ": " + (s ? s : "unreadable"));
    }
    first.resize(static_cast<size_t>(n));
    size_t lead = first.find_first_not_of(" \t\r\n");
    const bool json = lead != std::string::npos && (first[lead] == '{' || first[lead] == '[');
    if ((json || size == 0 || name == "oci-layout") && static_cast<uint64_t>(size) <= kMaxDocumentBytes) {
      std::string doc = std::move(first);
      while (doc.size() < static_cast<size_t>(size)) {
        std::string more(static_cast<size_t>(size) - doc.size(), '\0');
        la_ssize_t m = archive_read_data(a.get(), more.data(), more.size());
        if (m <= 0) break;
        doc.append(more.data(), static_cast<size_t>(m));
      }
      document_bytes += doc.size();
      if (document_bytes > kMaxArchiveDocuments) {
        return base::Status::InvalidArgument(file.string() + ": more than " +
                                             std::to_string(kMaxArchiveDocuments) +
                                             " bytes of small documents");
      }
      pass.documents[name] = std::move(doc);
      continue;
    }
    if (!digest.empty()) {
      if (auto hit = cache.Lookup(digest)) {
        pass.layers[name] = {hit->extract, std::move(hit->summary), true};
        continue;  // the rest of the entry is skipped by the next header read
      }
    }
    OuterEntrySource source(a.get(), std::move(first));
    const std::string key = digest.empty() ? "sha256:" + std::string(64, '0') : digest;
    stdfs::path out = cache.enabled() && !digest.empty()
                          ? cache.PendingExtract(digest)
                          : dir.work() / ("archive-layer-" + std::to_string(pass.layers.size()) + ".tar");
    stdfs::path spool = dir.work() / ("slot-a" + std::to_string(slot++));
    std::error_code ec;
    stdfs::create_directories(spool, ec);
    auto summary = image::ExtractLayer(source, out, spool, ExtractLimitsOf(options.limits),
                                       digest.empty() ? file.string() + ": " + name : "layer " + digest);
    stdfs::remove_all(spool, ec);
    if (!summary.ok()) {
      if (summary.status().code() == base::Code::kCorruption) {
        pass.failed[name] = summary.status().message();
        continue;
      }
      return summary.status();
    }
    if (!digest.empty() && summary->digest != digest) {
      pass.failed[name] = "layer " + digest + ": digest mismatch: the blob's bytes hash to " + summary->digest;
      stdfs::remove(out, ec);
      continue;
    }
    if (cache.enabled() && !digest.empty()) {
      ASSAY_ASSIGN_OR_RETURN(out, cache.Commit(digest, out, *summary));
    }
    pass.layers[name] = {out, std::move(*summary), false};
  }
  return pass;
}

std::string Resolve(const ArchivePass& pass, std::string name) {
  for (int i = 0; i < 8; ++i) {
    auto it = pass.aliases.find(name);
    if (it == pass.aliases.end()) break;
    name = it->second;
  }
  return name;
}

base::Result<PreparedLayer> TakeLayer(ArchivePass& pass, const std::string& name, const std::string& file) {
  std::string target = Resolve(pass, name);
  auto it = pass.layers.find(target);
  if (it == pass.layers.end()) {
    auto failed = pass.failed.find(target);
    if (failed != pass.failed.end()) return base::Status::Corruption(failed->second);
    return base::Status::Corruption(file + ": layer " + name + " is not in the archive");
  }
  return it->second;  // a copy: two manifest entries may share a layer
}

base::Result<ImageInventory> CollectOciArchive(const std::string& spec, const ImageOptions& options) {
  auto [file, tag] = SplitPathTag(spec);
  std::error_code ec;
  if (!stdfs::is_regular_file(file, ec)) return base::Status::NotFound(file + ": no such archive");
  ASSAY_ASSIGN_OR_RETURN(PrivateDir pdir, PrivateDir::Create(options.temp_dir));
  LayerCache cache(options.cache_dir, CacheSalt(options));
  ASSAY_RETURN_IF_ERROR(cache.Prepare());
  ASSAY_ASSIGN_OR_RETURN(ArchivePass pass, ReadArchive(file, cache, pdir, options, true));
  auto index = pass.documents.find("index.json");
  if (index == pass.documents.end()) return base::Status::InvalidArgument(file + ": not an oci-archive (no index.json)");
  BlobReader blob = [&](const std::string& digest) -> base::Result<std::string> {
    ASSAY_RETURN_IF_ERROR(ValidateDigest(digest, "blob"));
    auto it = pass.documents.find("blobs/sha256/" + std::string(DigestHex(digest)));
    if (it == pass.documents.end()) return base::Status::NotFound(file + ": blob " + digest + " is missing");
    if (DigestOf(it->second) != digest) {
      return base::Status::Corruption("blob " + digest + ": digest mismatch: got " + DigestOf(it->second));
    }
    return it->second;
  };
  ASSAY_ASSIGN_OR_RETURN(Resolved r, ResolveLayout(index->second, blob, tag, options, file));
  ASSAY_RETURN_IF_ERROR(CheckLayerCount(r.manifest, options, file));
  ImageInfo info;
  info.reference = "oci-archive:" + stdfs::absolute(file, ec).string() + (tag.empty() ? "" : ":" + tag);
  info.manifest_digest = r.manifest_digest;
  info.config_digest = r.config_digest;
  FillFromConfig(info, r.config);
  if (!tag.empty()) info.repo_tags.push_back(tag);
  info.layers = LayersOf(r.manifest, r.config);
  std::vector<PreparedLayer> prepared;
  for (const ImageLayer& l : info.layers) {
    ASSAY_ASSIGN_OR_RETURN(PreparedLayer p, TakeLayer(pass, "blobs/sha256/" + std::string(DigestHex(l.digest)), file));
    prepared.push_back(std::move(p));
  }
  return Assemble(std::move(info), std::move(prepared), pdir, options);
}

base::Result<ImageInventory> CollectDockerArchive(const std::string& spec, const ImageOptions& options) {
  // docker-archive:FILE[:REPO:TAG]: the file is the longest existing prefix.
  std::string file = spec, want;
  std::error_code ec;
  for (size_t colon = spec.find(':'); !stdfs::is_regular_file(file, ec) && colon != std::string::npos;
       colon = spec.find(':', colon + 1)) {
    if (stdfs::is_regular_file(spec.substr(0, colon), ec)) {
      file = spec.substr(0, colon);
      want = spec.substr(colon + 1);
    }
  }
  if (!stdfs::is_regular_file(file, ec)) return base::Status::NotFound(file + ": no such archive");
  ASSAY_ASSIGN_OR_RETURN(PrivateDir pdir, PrivateDir::Create(options.temp_dir));
  LayerCache cache(options.cache_dir, CacheSalt(options));
  ASSAY_RETURN_IF_ERROR(cache.Prepare());
  ASSAY_ASSIGN_OR_RETURN(ArchivePass pass, ReadArchive(file, cache, pdir, options, false));
  auto manifest = pass.documents.find("manifest.json");
  if (manifest == pass.documents.end()) {
    return base::Status::InvalidArgument(file + ": not a docker-archive (no manifest.json)");
  }
  ImageInfo info;
  std::string config_name;
  std::vector<std::string> layer_names;
  try {
    nlohmann::json m = nlohmann::json::parse(manifest->second);
    if (!m.is_array() || m.empty()) throw std::runtime_error("not a list of images");
    const nlohmann::json* chosen = nullptr;
    std::vector<std::string> all_tags;
    for (const auto& img : m) {
      std::vector<std::string> tags;
      if (img.contains("RepoTags") && img["RepoTags"].is_array()) {
        for (const auto& t : img["RepoTags"]) {
          if (t.is_string()) tags.push_back(t.get<std::string>());
        }
      }
      all_tags.insert(all_tags.end(), tags.begin(), tags.end());
      // "assay/base:latest" also names what docker and skopeo write as
      // "docker.io/assay/base:latest" (and "debian:12" "docker.io/library/debian:12").
      auto names = [&](const std::string& t) {
        return t == want || t == "docker.io/" + want || t == "docker.io/library/" + want;
      };
      if (want.empty() ? chosen == nullptr : std::any_of(tags.begin(), tags.end(), names)) {
        chosen = &img;
        info.repo_tags = tags;
      }
    }
    if (want.empty() && m.size() > 1) {
      std::string list;
      for (const auto& t : all_tags) list += (list.empty() ? "" : ", ") + t;
      throw std::runtime_error("holds " + std::to_string(m.size()) +
                               " images; name one with :REPO:TAG (" + list + ")");
    }
    if (chosen == nullptr) throw std::runtime_error("no image tagged " + want);
    config_name = NormaliseArchiveName(chosen->at("Config").get<std::string>());
    for (const auto& l : chosen->at("Layers")) layer_names.push_back(NormaliseArchiveName(l.get<std::string>()));
  } catch (const std::exception& e) {
    return base::Status::InvalidArgument(file + ": manifest.json: " + e.what());
  }
  auto config = pass.documents.find(Resolve(pass, config_name));
  if (config == pass.documents.end()) return base::Status::Corruption(file + ": config " + config_name + " is missing");
  ASSAY_ASSIGN_OR_RETURN(ImageConfig cfg, ParseImageConfig(config->second, file + ": " + config_name));
  if (layer_names.size() > options.limits.max_layers) {
    return base::Status::InvalidArgument(file + ": too many layers");
  }
  info.reference = "docker-archive:" + stdfs::absolute(file, ec).string() + (want.empty() ? "" : ":" + want);
  info.config_digest = DigestOf(config->second);
  info.manifest_digest = info.config_digest;  // the image id: a docker archive has no manifest
  FillFromConfig(info, cfg);
  std::vector<PreparedLayer> prepared;
  for (size_t i = 0; i < layer_names.size(); ++i) {
    ASSAY_ASSIGN_OR_RETURN(PreparedLayer p, TakeLayer(pass, layer_names[i], file));
    ImageLayer l;
    l.digest = p.summary.digest;
    l.size = p.summary.compressed_bytes;
    l.media_type = "application/vnd.docker.image.rootfs.diff.tar";
    if (i < cfg.diff_ids.size()) l.diff_id = cfg.diff_ids[i];
    l.from_cache = p.from_cache;
    info.layers.push_back(std::move(l));
    prepared.push_back(std::move(p));
  }
  return Assemble(std::move(info), std::move(prepared), pdir, options);
}

// ---- registries ----

base::Result<ImageInventory> CollectRegistry(std::string_view spec, const ImageOptions& options) {
  ASSAY_ASSIGN_OR_RETURN(RegistryRef ref, ParseRegistryRef(spec));
  RegistryOptions ro;
  ro.insecure = options.insecure;
  ro.username = options.username;
  ro.password = options.password;
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<RegistryClient> client, RegistryClient::Create(ref.host, ro));
  ASSAY_ASSIGN_OR_RETURN(FetchedManifest top, client->GetManifest(ref.repository, ref.Reference()));
  const std::string where = ref.ToString();
  ASSAY_ASSIGN_OR_RETURN(ManifestKind kind, ClassifyManifest(top.bytes, top.media_type, where));
  FetchedManifest chosen = std::move(top);
  for (int depth = 0; kind == ManifestKind::kIndex; ++depth) {
    if (depth > 4) return base::Status::Corruption(where + ": indexes nested too deeply");
    ASSAY_ASSIGN_OR_RETURN(ImageIndex index, ParseImageIndex(chosen.bytes, chosen.media_type, where));
    ASSAY_ASSIGN_OR_RETURN(Platform want, WantedPlatform(options));
    ASSAY_ASSIGN_OR_RETURN(Descriptor d, SelectPlatform(index, want, where));
    ASSAY_ASSIGN_OR_RETURN(chosen, client->GetManifest(ref.repository, d.digest));
    ASSAY_ASSIGN_OR_RETURN(kind, ClassifyManifest(chosen.bytes, chosen.media_type, where));
  }
  ASSAY_ASSIGN_OR_RETURN(ImageManifest manifest,
                         ParseImageManifest(chosen.bytes, chosen.media_type, "manifest " + chosen.digest));
  ASSAY_RETURN_IF_ERROR(CheckLayerCount(manifest, options, where));
  ASSAY_ASSIGN_OR_RETURN(std::string config_bytes,
                         client->GetBlob(ref.repository, manifest.config.digest, kMaxDocumentBytes));
  ASSAY_ASSIGN_OR_RETURN(ImageConfig config, ParseImageConfig(config_bytes, "config " + manifest.config.digest));
  ImageInfo info;
  info.reference = where;
  info.manifest_digest = chosen.digest;
  info.config_digest = manifest.config.digest;
  FillFromConfig(info, config);
  if (!ref.tag.empty()) info.repo_tags.push_back(ref.host + "/" + ref.repository + ":" + ref.tag);
  info.layers = LayersOf(manifest, config);
  ASSAY_ASSIGN_OR_RETURN(PrivateDir pdir, PrivateDir::Create(options.temp_dir));
  LayerCache cache(options.cache_dir, CacheSalt(options));
  ASSAY_RETURN_IF_ERROR(cache.Prepare());
  // Each blob is downloaded (and verified) into a private directory on disk, read, and deleted.
  ASSAY_ASSIGN_OR_RETURN(PrivateDir blobs, PrivateDir::Create(options.temp_dir.empty()
                                                                  ? DiskTempParent()
                                                                  : options.temp_dir));
  struct DownloadSource final : ByteSource {
    std::unique_ptr<ByteSource> file;
    stdfs::path path;
    ~DownloadSource() override {
      file.reset();
      std::error_code ec;
      stdfs::remove(path, ec);
    }
    base::Result<size_t> Read(char* buf, size_t n) override { return file->Read(buf, n); }
  };
  auto open = [&](size_t i) -> base::Result<std::unique_ptr<ByteSource>> {
    const std::string& digest = info.layers[i].digest;
    auto src = std::make_unique<DownloadSource>();
    src->path = blobs.work() / ("blob-" + std::string(DigestHex(digest)));
    auto got = client->GetBlobToFile(ref.repository, digest, src->path);
    if (!got.ok()) return got.status();
    ASSAY_ASSIGN_OR_RETURN(src->file, image::OpenFileSource(src->path));
    return std::unique_ptr<ByteSource>(std::move(src));
  };
  ASSAY_ASSIGN_OR_RETURN(std::vector<PreparedLayer> prepared,
                         PrepareLayers(info.layers, open, cache, pdir, options));
  return Assemble(std::move(info), std::move(prepared), pdir, options);
}

}  // namespace

base::Result<ImageInventory> CollectImage(std::string_view reference, const ImageOptions& options) {
  auto take = [&](std::string_view prefix) {
    if (!reference.starts_with(prefix)) return false;
    reference.remove_prefix(prefix.size());
    return true;
  };
  if (reference.empty()) return base::Status::InvalidArgument("empty image reference");
  if (take("oci:")) return CollectLayout(std::string(reference), options);
  if (take("oci-archive:")) return CollectOciArchive(std::string(reference), options);
  if (take("docker-archive:")) return CollectDockerArchive(std::string(reference), options);
  take("docker://");
  const size_t slash = reference.find('/');
  std::string_view first = reference.substr(0, slash);
  if (slash == std::string_view::npos ||
      (first.find('.') == std::string_view::npos && first.find(':') == std::string_view::npos &&
       first != "localhost")) {
    return base::Status::InvalidArgument(
        "'" + std::string(reference) +
        "' is not an image reference: give oci:DIR[:TAG], oci-archive:FILE[:TAG], "
        "docker-archive:FILE[:REPO:TAG] or HOST[:PORT]/REPO[:TAG|@sha256:…]");
  }
  return CollectRegistry(reference, options);
}

std::string ImageResourceId(const ImageInfo& image) { return "image:" + image.manifest_digest; }

}  // namespace assay::inventory
