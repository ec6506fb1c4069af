// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Reading OSV feed zips (`<Ecosystem>/all.zip`, one `<ID>.json` record per entry) and turning each
// record into the rows the advisory DB stores. A malformed record becomes an ImportWarning naming
// the record and the zip and the import goes on (STYLE.md convention 6); a zip that cannot be
// read (truncated, bad CRC) fails the whole import, because its content can no longer be trusted.
//
// ImportZips runs a small pipeline: worker threads inflate entries (each thread its own libzip
// handle over the memory-mapped zip), parse them with model::ParseOsv, build the normalised rows
// and compress the raw records of each run of entries into one zstd block (small JSON records
// compress 3x faster and 3x smaller in blocks than one by one); the calling thread receives
// blocks and records in zip-entry order through a RecordSink. At most a bounded number of records
// is in flight, whatever the zip sizes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/osv.h"

namespace assay::advisories {

// Warning codes of an import (stable strings: they appear in logs and JSON output).
inline constexpr std::string_view kWarnMalformedRecord = "malformed-record";  // ParseOsv failed
inline constexpr std::string_view kWarnDuplicateId = "duplicate-id";  // id seen before in the zip
inline constexpr std::string_view kWarnTooLarge = "record-too-large";  // over kMaxRecordBytes
inline constexpr std::string_view kWarnNotJsonEntry = "not-json-entry";  // entry not named *.json

// Records larger than this (uncompressed) are skipped with a warning: a hostile zip must not make
// the importer allocate gigabytes.
inline constexpr std::uint64_t kMaxRecordBytes = std::uint64_t{64} << 20;

struct ImportWarning {
  std::string code;       // one of the kWarn* strings
  std::string record_id;  // the advisory id, or the entry's file stem when the id is unknown
  std::string zip;        // the source's name ("PyPI") or the zip path when it has none
  std::string message;
};

// "warning: [malformed-record] PyPI: PYSEC-1: invalid JSON: ..." style, for logs and stderr.
std::string FormatWarning(const ImportWarning& w);

// One affected[] entry, ready for the `affected` table.
struct NormalizedAffected {
  std::string ecosystem;       // as written: "Debian:12"
  std::string ecosystem_base;  // before the first ':': "Debian"
  std::string name;            // as written
  std::string name_key;        // PackageNameKey(ecosystem_base, name)
  std::string entry_json;      // compact OSV JSON of the whole affected entry
};

// One OSV record, ready for the `advisories`, `advisory_raw`, `aliases` and `affected` tables.
struct NormalizedRecord {
  std::string id;
  std::string modified;
  std::string published;
  std::string withdrawn;  // empty when not withdrawn
  std::string summary;
  std::vector<std::string> aliases;
  std::vector<std::string> related;
  std::string aliases_json;       // compact JSON array of `aliases`
  std::string related_json;       // compact JSON array of `related`
  std::string severity_json;      // compact JSON array of the advisory-level severity, or ""
  std::string database_specific;  // advisory-level, raw JSON object text or ""
  std::uint64_t content_hash = 0;  // ContentHash of the raw bytes
  // Where the record's bytes, exactly as in the zip, are in the decompressed content of the raw
  // block handed to the sink before it (RecordSink::AddRawBlock).
  std::uint64_t raw_offset = 0;
  std::uint64_t raw_size = 0;
  std::vector<NormalizedAffected> affected;
  // Distinct affected ecosystems (for per-ecosystem counts), sorted.
  std::vector<std::string> ecosystems;
};

// The key a package name is indexed and looked up by, per ecosystem base: PyPI names follow
// PEP 503 (lowercase, runs of '-', '_', '.' become one '-'); Packagist and NuGet names are
// case-insensitive and lowercased; every other ecosystem keeps the name as written (Maven
// "group:artifact", Go module paths, npm, crates.io, distro source packages).
std::string PackageNameKey(std::string_view ecosystem_base, std::string_view name);

// A fast, stable 64-bit hash of a record's bytes, used to tell whether a record changed between
// two DB builds. Not cryptographic: feeds are authenticated by their SHA-256 fingerprint.
std::uint64_t ContentHash(std::string_view bytes);

// Compact JSON of one affected entry (the OSV shape: package, ranges, versions, severity,
// ecosystem_specific, database_specific). DecodeAffected reads it back.
std::string EncodeAffected(const model::OsvAffected& affected);
base::Result<model::OsvAffected> DecodeAffected(std::string_view entry_json);

// zstd level of raw blocks: on OSV records level 1 compresses ~12x at ~900 MB/s per core.
inline constexpr int kRawZstdLevel = 1;
// A raw block is closed once its content reaches this size (or its run of entries ends).
inline constexpr std::uint64_t kRawBlockTarget = std::uint64_t{1} << 20;
// Decompress refuses blocks announcing more than this.
inline constexpr std::uint64_t kMaxRawBlockBytes = kRawBlockTarget + kMaxRecordBytes;

// Compresses/decompresses raw blocks. Not thread-safe: one per thread (reuses its contexts).
class RawCodec {
 public:
  RawCodec();
  ~RawCodec();
  RawCodec(const RawCodec&) = delete;
  RawCodec& operator=(const RawCodec&) = delete;

  base::Status Compress(std::string_view raw, int level, std::string* out);
  // Corruption when `blob` is not one zstd frame or would inflate past kMaxRawBlockBytes.
  base::Result<std::string> Decompress(std::string_view blob);

 private:
  struct Impl;
  Impl* impl_;
};

// Normalises one record's bytes (raw_offset is left 0: the caller places the bytes). The error
// message names what is wrong; the caller turns it into a kWarnMalformedRecord warning.
base::Result<NormalizedRecord> NormalizeRecord(std::string_view json);

// One zip to import.
struct ZipInput {
  std::string source;          // the feed's name ("PyPI"), used in warnings and rows
  std::filesystem::path path;  // a local, readable zip
};

// What the import of one zip did.
struct ImportReport {
  std::string source;
  std::size_t entries = 0;   // zip entries named *.json
  std::size_t imported = 0;  // records handed to the sink
  std::vector<ImportWarning> warnings;
};

// Receives the records of ImportZips on the calling thread, in zip order and, within a zip, in
// entry order. A non-OK status from any method stops the import and is returned by ImportZips.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual base::Status BeginZip(std::size_t zip_index, const ZipInput& zip) = 0;
  // One zstd frame holding the raw bytes of the records Add()ed after it, up to the next block;
  // their raw_offset/raw_size point into its decompressed content.
  virtual base::Status AddRawBlock(std::size_t zip_index, std::string_view zstd_frame) = 0;
  virtual base::Status Add(std::size_t zip_index, NormalizedRecord&& record) = 0;
  virtual base::Status EndZip(std::size_t zip_index, const ImportReport& report) = 0;
};

struct ImportOptions {
  // Worker threads inflating and parsing; 0 means std::thread::hardware_concurrency().
  int threads = 0;
  int zstd_level = kRawZstdLevel;
  // Called on the calling thread for each warning as it is found (in entry order).
  std::function<void(const ImportWarning&)> on_warning;
  // Called on the calling thread now and then with (records done, entries in all zips).
  std::function<void(std::size_t done, std::size_t total)> on_progress;
};

// Counts the `*.json` entries of a zip. Corruption when it is not a readable zip.
base::Result<std::size_t> CountJsonEntries(const std::filesystem::path& zip);

// Imports `zips` into `sink`. Corruption (naming the zip and, when known, the entry) when a zip is
// truncated or an entry cannot be inflated; the reports of the zips completed so far are still
// filled in. Malformed records are warnings in the reports, never errors.
base::Status ImportZips(const std::vector<ZipInput>& zips, RecordSink& sink,
                        const ImportOptions& options, std::vector<ImportReport>* reports);

}  // namespace assay::advisories
