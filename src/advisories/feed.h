// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Where advisory feeds come from. A FeedSource hands the importer one local OSV zip per
// ecosystem, fetched from the public OSV bucket, from an HTTP(S) mirror with the same layout
// (`<base>/<Ecosystem>/all.zip`), or read in place from a mirror directory. Fetch is keyed by the
// previous fingerprint so an unchanged feed is reported as such and not imported again
// (claircore's Fetch + Unchanged shape).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace assay::advisories {

// Public OSV bucket; `<kOsvBucketUrl>/<Ecosystem>/all.zip`.
inline constexpr std::string_view kOsvBucketUrl =
    "https://osv-vulnerabilities.storage.googleapis.com";

// What the previous DB build recorded for one feed; empty fields when unknown.
struct FeedState {
  std::string fingerprint;    // "sha256:<hex>" of the zip bytes
  std::string etag;           // HTTP ETag of the last download
  std::string last_modified;  // HTTP Last-Modified of the last download
};

struct FetchedZip {
  std::string ecosystem;  // the feed's directory name: "Debian", "crates.io", ...
  std::string url;        // where it came from (file path for a mirror directory)
  bool unchanged = false;  // true: same as FeedState (304, same ETag or same fingerprint);
                           // `path` is then empty and nothing needs importing
  std::filesystem::path path;  // local readable zip (in the caller's work dir or the mirror)
  std::string fingerprint;     // "sha256:<hex>" of the zip bytes
  std::string etag;
  std::string last_modified;
};

class FeedSource {
 public:
  virtual ~FeedSource() = default;

  // A human-readable description ("https://…", "/path/to/mirror").
  virtual std::string Describe() const = 0;

  // Ecosystems this source offers when the caller names none: for a directory, its
  // subdirectories holding all.zip; for a URL, the default list (kDefaultEcosystems).
  virtual base::Result<std::vector<std::string>> ListEcosystems() const = 0;

  // Fetches `<ecosystem>/all.zip`. Downloads go into `work_dir` (a private temp dir owned by the
  // caller). NotFound when the source has no such feed; Unavailable after retries are exhausted.
  virtual base::Result<FetchedZip> Fetch(const std::string& ecosystem, const FeedState& previous,
                                         const std::filesystem::path& work_dir) const = 0;
};

// Ecosystems fetched from a URL source when none are named.
const std::vector<std::string>& DefaultEcosystems();

// `mirror` empty → the public OSV bucket; "http://…"/"https://…" → that base URL; "file://…" or
// a path → a mirror directory. `progress` draws a progress bar on stderr when it is a TTY.
base::Result<std::unique_ptr<FeedSource>> MakeFeedSource(const std::string& mirror,
                                                         bool progress);

// Enrichment feeds (CISA KEV, NVD CVSS), parsed.
struct KevEntry {
  std::string cve;
  std::string vendor;
  std::string product;
  std::string name;
  std::string date_added;       // YYYY-MM-DD
  std::string due_date;         // YYYY-MM-DD
  std::string ransomware_use;   // "Known" / "Unknown"
};

struct NvdCvss {
  std::string cve;
  std::string v3_vector;  // "CVSS:3.x/…" or empty
  std::optional<double> v3_score;
  std::string v2_vector;  // "AV:N/…" or empty
  std::optional<double> v2_score;
};

struct Enrichment {
  std::string kev_catalog_version;
  std::vector<KevEntry> kev;
  std::vector<NvdCvss> nvd;
  std::vector<std::string> sources;  // where each part came from, for `db status`
  std::vector<std::string> warnings;
};

// Loads enrichment from a directory laid out like shared/data/enrichment
// (kev/known_exploited_vulnerabilities.json, nvd/nvd-cvss-from-json-1.1.csv.gz); a missing part
// is a warning, not an error.
base::Result<Enrichment> LoadEnrichmentDir(const std::filesystem::path& dir);

// Fetches enrichment from the public feeds (CISA KEV JSON; NVD CVSS when `with_nvd`).
base::Result<Enrichment> FetchEnrichment(bool with_nvd, bool progress);

}  // namespace assay::advisories
