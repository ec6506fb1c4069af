// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The local advisory database, read side. One SQLite file built by DbBuilder (builder.h) and
// replaced atomically by each `assay db update`; readers open it read-only and never see a
// half-written build (an open AdvisoryDb keeps reading the build it opened even while a newer
// one is renamed into place).
//
// Schema (kSchemaVersion):
//   meta(key, value)              schema_version, build_id (128-bit hex), build_time (RFC 3339
//                                 UTC), assay_version, enrichment_fingerprint,
//                                 kev_catalog_version, enrichment_sources (JSON), ...
//   sources(name PK, url, fingerprint, etag, last_modified, record_count, entry_count,
//           warning_count, imported_at)             one row per imported feed zip
//   advisories(pk, id, source, modified, published, withdrawn, summary, aliases (JSON),
//              related (JSON), severity (JSON), database_specific (JSON), content_hash,
//              raw_block, raw_offset, raw_size)
//                                 UNIQUE(id, source); indexed by withdrawn
//   raw_blocks(block PK, data)    zstd frames of concatenated raw records (the records' bytes
//                                 exactly as in the feed zip), one per run of up to 32 zip
//                                 entries (~100 KB), never spanning two sources; an advisory's
//                                 bytes are [raw_offset, raw_offset + raw_size) of its block
//   aliases(alias, advisory, kind)   kind 0 = OSV `aliases`, 1 = OSV `related`; indexed by alias
//   affected(advisory, ecosystem, ecosystem_base, name, name_key, entry)   one row per OSV
//                                 affected[] entry, `entry` its compact JSON; indexed by
//                                 (ecosystem_base, name_key)
//   ecosystem_counts(source, ecosystem, records)   records per affected ecosystem per source
//   kev(cve PK, vendor, product, name, date_added, due_date, ransomware_use)   CISA KEV
//   nvd_cvss(cve PK, v3_vector, v3_score, v2_vector, v2_score)                 NVD CVSS
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "advisories/feed.h"
#include "base/status.h"
#include "model/osv.h"

namespace assay::advisories {

// Bumped whenever the tables or their meaning change; an older DB is rebuilt by `db update`.
inline constexpr int kSchemaVersion = 1;
inline constexpr std::string_view kAssayVersion = "0.1.0";
// SQLite application_id of advisory DB files ("asdb"), so that no other SQLite file is taken
// for one.
inline constexpr std::int64_t kDbApplicationId = 0x61736462;

// $ASSAY_DB, else $XDG_CACHE_HOME/assay/advisories.db, else ~/.cache/assay/advisories.db. With
// `create_dir`, the parent directory is created when missing.
base::Result<std::filesystem::path> DefaultDbPath(bool create_dir);

// One affected[] entry of one advisory, with what a matcher needs from the advisory itself so it
// never has to decompress the raw record.
struct AffectedEntry {
  std::string advisory_id;
  std::string source;     // the feed it came from ("Debian")
  std::string ecosystem;  // as written in the entry ("Debian:11")
  std::string name;       // as written in the entry
  std::string modified;
  std::string withdrawn;  // RFC 3339 time, empty when not withdrawn
  bool is_withdrawn() const { return !withdrawn.empty(); }
  std::vector<std::string> aliases;
  std::vector<std::string> related;
  std::vector<model::OsvSeverity> severity;  // advisory-level severity
  std::string database_specific;             // advisory-level, raw JSON object text or ""
  model::OsvAffected affected;               // the entry: ranges, versions, *_specific, ...
};

enum class LookupScope {
  kExact,  // the entry's ecosystem equals the one asked for ("Debian:12")
  kBase,   // the entry's ecosystem base equals the asked one's base (every "Debian:*" release)
};

struct SourceStatus {
  std::string name;  // the feed's directory name: "Debian", "crates.io", ...
  std::string url;
  std::string fingerprint;
  std::string etag;
  std::string last_modified;
  std::int64_t record_count = 0;   // records imported from this zip
  std::int64_t entry_count = 0;    // *.json entries in the zip
  std::int64_t warning_count = 0;  // records skipped or flagged at import
  std::string imported_at;         // RFC 3339 UTC
};

struct EnrichmentStatus {
  std::string fingerprint;  // empty when the DB has no enrichment
  std::string kev_catalog_version;
  std::int64_t kev_entries = 0;
  std::int64_t nvd_entries = 0;
  std::vector<std::string> sources;
  std::string loaded_at;
};

struct DbStatus {
  std::filesystem::path path;
  int schema_version = 0;
  std::string build_id;
  std::string build_time;
  std::string assay_version;
  std::vector<SourceStatus> sources;                             // by name
  std::vector<std::pair<std::string, std::int64_t>> ecosystems;  // affected ecosystem → records
  EnrichmentStatus enrichment;
  std::int64_t total_records = 0;  // advisory rows (an id present in two zips counts twice)
};

// One advisory as stored, with its enrichment.
struct StoredAdvisory {
  std::string source;                // the feed this copy came from
  std::vector<std::string> sources;  // every feed holding this id (usually one)
  std::string resolved_alias;        // the alias asked for, when it was not the id itself
  std::string raw_json;              // the record exactly as the feed had it
  model::Advisory advisory;          // raw_json decoded
  // KEV and NVD data for the CVE ids among the advisory's id, aliases and related ids (in that
  // order, each CVE once).
  std::vector<KevEntry> kev;
  std::vector<NvdCvss> nvd;
  std::vector<std::string> cves;  // the CVE ids looked up, in that order
};

// Read-only access to one DB build. Thread-safe: calls are serialised on one SQLite connection
// (open one AdvisoryDb per thread for parallel lookups).
class AdvisoryDb {
 public:
  // NotFound when `path` does not exist (with a hint to run `assay db update`); NotSupported when
  // it was built with another schema version; Corruption when it is not an advisory DB.
  static base::Result<std::unique_ptr<AdvisoryDb>> Open(const std::filesystem::path& path);

  ~AdvisoryDb();
  AdvisoryDb(const AdvisoryDb&) = delete;
  AdvisoryDb& operator=(const AdvisoryDb&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Every affected entry for package `name` in `ecosystem`, in one indexed query, ordered by
  // advisory id. `name` is compared by PackageNameKey (PEP 503 for PyPI). Withdrawn advisories
  // are included (flagged): the matcher decides.
  base::Result<std::vector<AffectedEntry>> Lookup(std::string_view ecosystem, std::string_view name,
                                                  LookupScope scope = LookupScope::kExact) const;

  // The advisory with this id, else the one that lists it among its `aliases`. NotFound when
  // neither (the message lists the advisories naming it as `related`, if any); InvalidArgument
  // naming the candidates when several advisories alias it. When the id is in several feeds,
  // the copy with the newest `modified` is returned.
  base::Result<StoredAdvisory> Get(std::string_view id_or_alias) const;

  // CISA KEV membership and NVD CVSS of one CVE id; nullopt when the DB has none.
  base::Result<std::optional<KevEntry>> Kev(std::string_view cve) const;
  base::Result<std::optional<NvdCvss>> Nvd(std::string_view cve) const;

  // Ids of the advisories that list `alias` in `aliases` (not `related`), sorted.
  base::Result<std::vector<std::string>> IdsWithAlias(std::string_view alias) const;
  // Ids of the advisories that list `id` in `related`, sorted.
  base::Result<std::vector<std::string>> IdsRelatedTo(std::string_view id) const;

  // The lookup keys (ecosystem base, PackageNameKey) of every affected entry of the advisories
  // with these ids, sorted and unique: what a package must be looked up by for a change to one
  // of these advisories to concern it. Unknown ids are skipped.
  struct AffectedKey {
    std::string ecosystem_base;
    std::string name_key;
    friend bool operator==(const AffectedKey&, const AffectedKey&) = default;
    friend auto operator<=>(const AffectedKey&, const AffectedKey&) = default;
  };
  base::Result<std::vector<AffectedKey>> AffectedKeys(std::span<const std::string> ids) const;

  base::Result<DbStatus> GetStatus() const;

  // Just the build id and time (RFC 3339 UTC): what a scan records, without GetStatus()'s counts.
  struct BuildInfo {
    std::string build_id;
    std::string build_time;
  };
  base::Result<BuildInfo> GetBuildInfo() const;

  // (id, combined content hash, withdrawn) of every advisory id, sorted by id; an id in several
  // feeds gets one row whose hash combines its copies. The input of DiffDbs.
  struct IdState {
    std::string id;
    std::uint64_t hash = 0;
    bool withdrawn = false;
  };
  base::Result<std::vector<IdState>> IdStates() const;

 private:
  struct Impl;
  AdvisoryDb(std::filesystem::path path, std::unique_ptr<Impl> impl);

  std::filesystem::path path_;
  mutable std::mutex mu_;
  std::unique_ptr<Impl> impl_;  // guarded by mu_
};

// Advisory ids that differ between two builds, each list sorted:
//   added      in `new_db` only, not withdrawn there;
//   changed    in both, content changed, and not newly withdrawn;
//   withdrawn  withdrawn in `new_db` but not in `old_db` (including ids new and already withdrawn);
//   removed    in `old_db` only.
struct DbDiff {
  std::vector<std::string> added;
  std::vector<std::string> changed;
  std::vector<std::string> withdrawn;
  std::vector<std::string> removed;
};
base::Result<DbDiff> DiffDbs(const AdvisoryDb& old_db, const AdvisoryDb& new_db);

}  // namespace assay::advisories
