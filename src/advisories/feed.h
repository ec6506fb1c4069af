// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Where advisory feeds come from. A FeedSource hands the importer one local OSV zip per
// ecosystem, fetched from the public OSV bucket, from an HTTP(S) mirror with the same layout
// (`<base>/<Ecosystem>/all.zip`), or read in place from a mirror directory. Fetch is keyed by the
// previous fingerprint so an unchanged feed is reported as such and not imported again
// (claircore's Fetch + Unchanged shape).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/http.h"
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
  std::string ecosystem;       // the feed's directory name: "Debian", "crates.io", ...
  std::string url;             // where it came from (file path for a mirror directory)
  bool unchanged = false;      // true: same as FeedState (304, same ETag or same fingerprint);
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
base::Result<std::unique_ptr<FeedSource>> MakeFeedSource(const std::string& mirror, bool progress);

// The two kinds of source MakeFeedSource chooses from, for callers (and tests) that need to set
// HTTP options. Both are thread-safe: Fetch may run concurrently for different ecosystems (with
// distinct work dirs or ecosystems; downloads are named after the ecosystem).
//
// A mirror directory: ListEcosystems = its subdirectories holding all.zip, sorted; Fetch returns
// the zip in place (never copied; `work_dir` unused). NotFound when `dir` is not a directory.
base::Result<std::unique_ptr<FeedSource>> MakeDirectoryFeedSource(const std::filesystem::path& dir);
// An HTTP(S) base URL (a trailing '/' is ignored): Fetch GETs `<base>/<UrlEncoded eco>/all.zip`
// into `<work_dir>/<UrlEncoded eco>.zip` with If-None-Match / If-Modified-Since from `previous`.
// 304 -> unchanged; 404 -> NotFound; other non-2xx -> Unavailable; a body that is not a zip ->
// Corruption. ListEcosystems = DefaultEcosystems().
std::unique_ptr<FeedSource> MakeHttpFeedSource(std::string base_url, bool progress,
                                               base::HttpOptions options = {});

// "sha256:<64 hex digits>" of a file's bytes (streamed). NotFound / IOError from the read.
base::Result<std::string> FingerprintFile(const std::filesystem::path& path);

// Whether the first bytes of a file are a zip's (local file header "PK\3\4", or the end record
// "PK\5\6" of an empty zip).
bool LooksLikeZip(std::string_view first_bytes);

// Enrichment feeds (CISA KEV, NVD CVSS), parsed.
struct KevEntry {
  std::string cve;
  std::string vendor;
  std::string product;
  std::string name;
  std::string date_added;      // YYYY-MM-DD
  std::string due_date;        // YYYY-MM-DD
  std::string ransomware_use;  // "Known" / "Unknown"
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
// Same as FetchEnrichment(EnrichmentFetchOptions{.with_nvd, .progress}) with the NVD API key taken
// from the NVD_API_KEY environment variable when set.
base::Result<Enrichment> FetchEnrichment(bool with_nvd, bool progress);

inline constexpr std::string_view kCisaKevUrl =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
inline constexpr std::string_view kNvdCveApiUrl =
    "https://services.nvd.nist.gov/rest/json/cves/2.0";

struct EnrichmentFetchOptions {
  std::string kev_url = std::string(kCisaKevUrl);  // empty: skip KEV
  std::string nvd_api_url = std::string(kNvdCveApiUrl);
  bool with_nvd = false;
  bool progress = false;
  // NVD API 2.0 paging: `?resultsPerPage=N&startIndex=K`; 2000 is the API's maximum.
  int nvd_results_per_page = 2000;
  // Pause between NVD requests. NVD allows 5 requests per rolling 30 s without a key and 50 with
  // one, and asks clients to sleep about 6 s between requests; with a key 0.6 s is within limits.
  std::chrono::milliseconds nvd_page_delay{6'000};
  std::chrono::milliseconds nvd_page_delay_with_key{600};
  std::string nvd_api_key;  // sent as the `apiKey` header when non-empty
  // Requests to NVD also retry 403 (its rate-limit answer) besides 408/429/5xx.
  base::HttpOptions http;
};

// Fetches KEV (when kev_url is set) and, when with_nvd, every CVE of the NVD API page by page.
// Unavailable / Corruption when a feed cannot be fetched or parsed; the NVD part is all or
// nothing (a failed page fails the call, so a partial CVSS set is never mistaken for a full one).
base::Result<Enrichment> FetchEnrichment(const EnrichmentFetchOptions& options);

// Parsers behind LoadEnrichmentDir and FetchEnrichment: bytes in, no I/O. Exposed for tests and
// fuzzing. Entries that cannot be used (no CVE id) become warnings, not errors.
struct KevCatalog {
  std::string catalog_version;
  std::vector<KevEntry> entries;
  std::vector<std::string> warnings;
};
// The CISA KEV JSON (catalogVersion, vulnerabilities[]). Corruption when it is not JSON or has no
// vulnerabilities array.
base::Result<KevCatalog> ParseKevJson(std::string_view json);

// One page of the NVD CVE API 2.0 (`{resultsPerPage, startIndex, totalResults, vulnerabilities:
// [{cve: {id, metrics: {cvssMetricV31|V30|V2: [{type, cvssData: {vectorString, baseScore}}]}}}]}`).
// v3 comes from cvssMetricV31, else cvssMetricV30; v2 from cvssMetricV2. Within them the
// "Primary" (NVD's own) metric wins; a CVE NVD has not scored itself falls back to the first
// "Secondary" (CNA) metric. Every CVE of the page is returned, scored or not.
struct NvdApiPage {
  std::int64_t results_per_page = 0;
  std::int64_t start_index = 0;
  std::int64_t total_results = 0;
  std::vector<NvdCvss> items;
  std::vector<std::string> warnings;
};
base::Result<NvdApiPage> ParseNvdApiPage(std::string_view json);

// Streams the NVD CVSS CSV (gzip or plain; header row naming at least cve_id; the columns of
// nvd-cvss-from-json-1.1.csv.gz are read by name). Rows that cannot be used are warnings appended
// to `warnings` (at most a few verbatim, then a count). Corruption for a broken gzip stream, a
// missing header or an unterminated quoted field.
base::Result<std::vector<NvdCvss>> ReadNvdCvssCsv(const std::filesystem::path& path,
                                                  std::vector<std::string>* warnings);

}  // namespace assay::advisories
