// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Writing one advisory DB build (schema in db.h). The build goes into a sibling temporary file of
// the target ("<target>.tmp-<pid>-<n>") with journaling off and one transaction; Commit creates
// the indexes, records the build id and time, fsyncs and renames it over the target
// (base::CommitAtomic). Anything short of Commit — an error, an exception, kill -9 — leaves the
// previous DB as it was; the destructor removes the temporary file, and the next update removes
// the ones killed runs left behind (RemoveStaleTemps, under the update lock).
//
// Unchanged feeds are carried over from the previous build by ATTACHing it read-only and copying
// its rows; their row ids are kept, so carried-over sources must be copied before any import.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "advisories/feed.h"
#include "advisories/import.h"
#include "advisories/internal/sqlite.h"
#include "base/status.h"

namespace assay::advisories {

// Exclusive, process-wide lock on `<db>.lock` for the duration of an update (flock: released by
// the kernel when the holder dies, so a killed update never leaves it stuck).
class UpdateLock {
 public:
  // Unavailable when another process holds the lock.
  static base::Result<UpdateLock> Acquire(const std::filesystem::path& db_path);
  UpdateLock(UpdateLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UpdateLock& operator=(UpdateLock&&) = delete;
  UpdateLock(const UpdateLock&) = delete;
  ~UpdateLock();

 private:
  explicit UpdateLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Removes "<db>.tmp-*" files and "<db>.fetch-*" download directories next to `db_path` (left by
// killed updates); returns how many. Call it only while holding the UpdateLock.
std::size_t RemoveStaleTemps(const std::filesystem::path& db_path);

// "2026-11-24T15:39:00Z" for now.
std::string NowRfc3339();

// A fingerprint of enrichment content ("h64:<16 hex digits>"): equal content gives equal
// fingerprints whatever the order of the entries.
std::string EnrichmentFingerprint(const Enrichment& e);

// The sources row of one feed zip.
struct SourceRow {
  std::string name;
  std::string url;
  std::string fingerprint;
  std::string etag;
  std::string last_modified;
};

// Not thread-safe. Also the RecordSink of ImportZips: set the rows of the zips with SetZipSources
// first (index i ↔ ZipInput i).
class DbBuilder : public RecordSink {
 public:
  // Creates the temporary DB next to `target` (its directory must exist) and, when `previous` is
  // set, attaches that DB read-only for carry-over.
  static base::Result<std::unique_ptr<DbBuilder>> Create(
      const std::filesystem::path& target, const std::optional<std::filesystem::path>& previous);
  ~DbBuilder() override;

  const std::filesystem::path& temp_path() const { return tmp_; }

  // Copies the sources named in `rows` (advisories, raw records, aliases, affected entries,
  // counts) from the previous DB, taking url/etag/last_modified from `rows`. Must come before any
  // import. Returns each source's record count. NotFound when the previous DB lacks one.
  base::Result<std::map<std::string, std::int64_t>> CarryOverSources(
      const std::vector<SourceRow>& rows);

  void SetZipSources(std::vector<SourceRow> rows) { zip_sources_ = std::move(rows); }

  base::Status BeginZip(std::size_t zip_index, const ZipInput& zip) override;
  base::Status AddRawBlock(std::size_t zip_index, std::string_view zstd_frame) override;
  base::Status Add(std::size_t zip_index, NormalizedRecord&& record) override;
  base::Status EndZip(std::size_t zip_index, const ImportReport& report) override;

  // Stores enrichment (KEV, NVD) with its fingerprint.
  base::Status SetEnrichment(const Enrichment& e, const std::string& fingerprint);
  // Copies the previous DB's enrichment tables and meta; OK (and nothing copied) without one.
  base::Status CarryOverEnrichment();

  // Indexes, meta, close, fsync, rename over the target. Returns the build id. The builder is
  // finished afterwards whatever the outcome.
  base::Result<std::string> Commit();

 private:
  DbBuilder() = default;
  base::Status Init(const std::optional<std::filesystem::path>& previous);
  void Abandon();

  std::filesystem::path target_;
  std::filesystem::path tmp_;
  std::string build_time_;
  bool has_previous_ = false;
  bool finished_ = false;
  bool imported_any_ = false;
  internal::Conn conn_;
  internal::Stmt ins_advisory_;
  internal::Stmt ins_block_;
  internal::Stmt ins_alias_;
  internal::Stmt ins_affected_;

  std::vector<SourceRow> zip_sources_;
  std::map<std::string, std::int64_t> zip_ecosystem_counts_;  // of the zip being imported
  std::int64_t next_pk_ = 1;
  std::int64_t next_block_ = 1;
  std::int64_t block_ = 0;  // the raw block of the records being added
  std::map<std::string, std::string> meta_;  // extra meta rows written at Commit
};

}  // namespace assay::advisories
