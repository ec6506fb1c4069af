// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The two halves of reading image layers (image.h has the whole picture):
//
//  ExtractLayer   one layer stream (gzip, zstd or plain tar) -> a layer extract: a plain tar
//                 of the entries collectors may need, plus the layer's whiteouts and warnings.
//                 Layers are independent here, so extracts can be made in parallel and cached.
//  LayerApplier   applies extracts in layer order to a private directory with the OCI
//                 whiteout rules, creating everything with symlinks resolved inside that
//                 directory (openat2 RESOLVE_IN_ROOT) and never following a symlink at the
//                 name it creates, so a hostile layer cannot write outside it.
//
// Entry names are normalised the way container runtimes read them: a leading "/" or "./" is
// dropped, "//" and "/./" collapse, a trailing "/" goes; a name with a ".." component, a NUL
// byte or nothing left is skipped with a warning.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/inventory.h"

namespace assay::inventory::image {

// Bytes read in order from wherever a layer is: a blob file, an entry of an outer archive.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `n` bytes into `buf`; 0 at the end.
  virtual base::Result<size_t> Read(char* buf, size_t n) = 0;
};

// A regular file, read from the start. NotFound / IOError naming it.
base::Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::filesystem::path& path);

struct ExtractLimits {
  uint64_t max_bytes = uint64_t{64} << 30;  // decompressed bytes of the layer
  uint64_t max_ratio = 1000;                // decompressed / compressed, from 64 MiB on
  uint64_t max_entries = 10'000'000;
  uint64_t max_kept_file_bytes = uint64_t{256} << 20;
};

// What ExtractLayer learnt about a layer besides the extract's entries.
struct LayerSummary {
  std::string digest;  // "sha256:" of the bytes read from the source (compressed blob)
  uint64_t compressed_bytes = 0;
  uint64_t entries = 0;             // entries of the layer tar
  uint64_t kept = 0;                // entries written to the extract
  std::vector<std::string> whiteouts;  // normalised ".wh." entry names, in layer order
  std::vector<model::InventoryWarning> warnings;  // locations are entry names
};

// Reads the whole of `source` as a layer and writes its extract to `extract_path` (created or
// replaced); `work_dir` holds spool files for large kept entries while they stream. The layer
// is fully read (so the digest covers every byte) unless it fails. Errors: Corruption for a
// stream that is not a (compressed) tar or breaks off, InvalidArgument naming the limit that
// was exceeded, IOError for local files. `what` names the layer in messages.
base::Result<LayerSummary> ExtractLayer(ByteSource& source, const std::filesystem::path& extract_path,
                                        const std::filesystem::path& work_dir,
                                        const ExtractLimits& limits, std::string_view what);

// Whether a regular file's first bytes are an executable's (ELF, PE, Mach-O, Mach-O fat).
bool LooksExecutable(std::string_view head);

// The serialisation of a LayerSummary kept beside a cached extract.
std::string SummaryToJson(const LayerSummary& summary);
base::Result<LayerSummary> SummaryFromJson(std::string_view json, std::string_view what);

// Applies layer extracts, base first, to a directory that must start empty.
class LayerApplier {
 public:
  // Opens `root` (an empty directory the caller owns and removes).
  static base::Result<std::unique_ptr<LayerApplier>> Create(const std::filesystem::path& root);
  ~LayerApplier();

  // Applies layer number `index` (0 = base): first its whiteouts, then the extract's entries.
  // Entries that cannot be created (a name under a non-directory, a hardlink to nothing) are
  // warnings, appended to `warnings`. Errors only for a broken extract or the directory itself.
  base::Status Apply(int index, const std::filesystem::path& extract,
                     const std::vector<std::string>& whiteouts,
                     std::vector<model::InventoryWarning>& warnings);

  // The layer that last created the entry at `rel` (as its archive named it), or -1.
  int LayerOf(std::string_view rel) const;

  // Whether layer `index` created or removed an entry OsFileByPath selects.
  bool TouchedOsFiles(int index) const;

 private:
  struct State;
  explicit LayerApplier(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace assay::inventory::image
