// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Registry scanning, the library behind two verbs:
//
//   assay registry watch --listen ADDR --results DIR
//   assay scan registry HOST/REPO[:TAG|@sha256:…] [--all-tags] [--parallel N]
//
// ## The watcher
//
// A distribution registry (Debian's docker-registry, `notifications.endpoints`) POSTs its
// events to the watcher's `/registry-events` as
// `application/vnd.docker.distribution.events.v1+json`
// (`{"events": [{"action", "timestamp", "target": {"mediaType", "digest", "repository", "tag",
// "url"}, "request": {"host", "useragent"}}, …]}`). A delivery is checked (bearer token when one
// is configured, content type, JSON shape), applied to the watch state, the state is written
// (atomically: an answered delivery is never lost), and the answer is 200 at once; scans run
// on a bounded pool of workers. The registry retries a delivery that fails or times out, so
// everything is idempotent and deduplicated by manifest digest: an image already scanned with
// the current advisory DB build is not scanned again when its push is delivered twice, and an
// image queued or being scanned is not queued a second time.
//
// What events do (anything else is ignored and counted):
//   push of an image manifest (OCI image manifest, Docker v2 schema 2)
//            tracks (repository, digest): pushedAt = now, the tag joins its tags
//            (and leaves every other digest of that repository), and the image is scanned
//            unless it already was with the current DB build.
//   pull of an image manifest
//            lastPulledAt = now; an image not tracked yet (pushed before the
//            watcher ran) becomes tracked and is scanned. Pulls made by assay itself (user
//            agent "assay…", e.g. the watcher's own scans) are not use and are ignored.
//   delete   a manifest delete untracks the digest; a tag delete removes the tag.
//   indexes / manifest lists are ignored: each platform manifest of an index is pushed, and
//   reported, as an event of its own.
// "now" is the watcher's clock when the delivery arrives, not the event's timestamp: one clock
// governs the window, whatever the registry's clock says (a retried delivery moves a time by
// the retry delay, which does not matter for windows counted in days).
// The image is scanned as `HOST/REPO@DIGEST`: HOST is WatchOptions::registry when set, else the
// host of the event's target.url, else its request.host. Credentials (ImageArgs username,
// $ASSAY_REGISTRY_PASSWORD) are only accepted together with WatchOptions::registry, so they
// never go to a host an event names.
//
// Results directory:
//   DIR/watch-state.json             the images under evaluation (WatchState, below)
//   DIR/<escaped repository>/<digest>.json
//                                    the `json` scan document of the image's last scan,
//                                    replaced atomically (EscapeRepository: "team/app" →
//                                    "team%2Fapp"; the digest as "sha256:<hex>.json")
//   DIR/.layer-cache/                layer extracts shared by all scans (unless
//                                    ImageArgs::cache_dir or no_cache says otherwise), so a
//                                    rescan, or an image sharing base layers, reads only new
//                                    layers
// The watcher never deletes a result file: an image that leaves the rescan window, or is deleted
// from the registry, leaves watch-state.json and its last result file stays as its last
// evaluation. A later push or pull of the same digest tracks it again and rescans it.
//
// Continuous re-evaluation (Tick, called periodically by the server loop): every tracked image
// whose last use — max(pushedAt, lastPulledAt) — is older than the rescan window is dropped
// from the state; every image left is scanned again when it was never scanned successfully,
// when its last scan used another advisory DB build (the DB file is checked by inode, size and
// mtime, then by build id, at each tick), or when `rescan_interval` has passed since its last
// scan. A failed scan is retried after `retry_after` (at most the interval). The clock is
// WatchOptions::now, so tests move time by hand.
//
// ## scan registry
//
// RunScanRegistry scans the tags of one repository (or, for a bare HOST with --all-tags, every
// repository of the registry's _catalog): `HOST/REPO` scans `latest`, `HOST/REPO:TAG` or
// `@sha256:…` that image, `--all-tags` every tag of the tags list. Each tag's manifest digest
// is resolved first, and each distinct digest is scanned once (at most `parallel` at a time),
// so tags that name the same image share one scan. Output, in tag order (repository, tag):
//   json    one object: {"registry", "scannedAt", "database": {"buildId", "buildTime"},
//           "images": [{"reference": "HOST/REPO:TAG", "repository", "tag", "digest",
//           "scan": <the json scan document, filters applied>} or {…, "error": "…"}],
//           "summary": {"images" (tags), "scanned" (distinct digests), "failed", "critical",
//           "high", "medium", "low", "informational", "untriaged", "total", "fixable",
//           "packages"}} — the finding counts are over distinct digests, so an image with
//           three tags counts once.
//   table   per tag a heading line "HOST/REPO:TAG  sha256:…" and its table (or the error),
//           then one line summing every distinct image.
//   others  (sarif, cyclonedx, spdx, html) one complete document per tag, one after another;
//           the summary line goes to the notes (stderr). Use --format json for one document.
// Exit codes as `assay scan`: 2 for bad arguments, no advisory DB, or a repository / single
// image that does not exist; 1 when any image failed to scan (the others are still reported);
// else --exit-code N when findings remain after the filters, else 0.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "advisories/db.h"
#include "base/status.h"
#include "cli/image_args.h"
#include "cli/scan_cmd.h"
#include "inventory/collector.h"
#include "report/scan_result.h"

namespace assay::cli {

// ---- Scanning one image against an open advisory DB ----

struct ImageScanRequest {
  ImageArgs image;
  inventory::CollectOptions collect;
  std::string now;          // RFC 3339 time of the scan (observedAt, scannedAt)
  int max_db_age_days = 7;  // warn when the DB build is older; 0 never warns
  std::string db_path;      // for messages
};

// Collects `reference` (inventory/image.h) and matches it against `db`: the unfiltered result,
// with the DB build, the resource (type "image") and every warning. Errors: CollectImage's
// (InvalidArgument, NotFound, Corruption, Unavailable), and the DB's when matching fails.
// Thread-safe as far as `db` is.
base::Result<report::ScanResult> ScanImageWithDb(const std::string& reference,
                                                 const advisories::AdvisoryDb& db,
                                                 const ImageScanRequest& request);

// ---- Durations and the rescan window ----

// "90s", "30m", "24h", "14d" → seconds (a positive whole number and one unit).
base::Result<std::int64_t> ParseDurationSeconds(std::string_view text);

// Inspector's rescan window: "lifetime", or "<N>d" (Inspector offers 14d, 30d, 60d, 90d, 180d;
// any 1..36500 days is accepted).
struct RescanWindow {
  bool lifetime = false;
  std::int64_t seconds = 30 * 86400;
  std::string ToString() const;  // "30d", "lifetime"
};
base::Result<RescanWindow> ParseRescanWindow(std::string_view text);

// ---- Events ----

// One event of a notification envelope; every field "" when absent or not a string.
struct RegistryEvent {
  std::string id;
  std::string timestamp;  // RFC 3339 as sent (nanoseconds allowed)
  std::string action;     // "push", "pull", "delete", "mount"
  std::string media_type;
  std::string digest;
  std::string repository;
  std::string tag;
  std::string url;           // target.url
  std::string request_host;  // request.host
  std::string user_agent;    // request.useragent
};

// The events of a delivery body. InvalidArgument when the body is not JSON or has no "events"
// array; events that are not objects are skipped and counted in `*skipped`.
base::Result<std::vector<RegistryEvent>> ParseRegistryEvents(std::string_view body,
                                                             std::size_t* skipped = nullptr);

enum class EventUse { kIgnore, kPush, kPull, kDelete };
struct EventDecision {
  EventUse use = EventUse::kIgnore;
  std::string reason;  // why it is ignored
};
// What the watcher does with `event` (see the header comment). A push or pull needs an image
// manifest media type, a valid repository and a sha256 digest; a delete a valid repository and
// a digest or a tag.
EventDecision ClassifyEvent(const RegistryEvent& event);

// The registry host `event` names: `override_host` when not empty, else the host of target.url,
// else request.host. InvalidArgument when none is a valid host (registry.h syntax).
base::Result<std::string> EventRegistryHost(const RegistryEvent& event,
                                            std::string_view override_host);

// ---- State and results ----

struct TrackedImage {
  std::string repository;
  std::string digest;
  std::string registry;           // the host it is scanned from
  std::vector<std::string> tags;  // sorted
  std::int64_t pushed_at = 0;     // unix seconds; 0: not known
  std::int64_t last_pulled_at = 0;
  std::int64_t last_scanned_at = 0;  // last successful scan
  std::int64_t last_attempt_at = 0;  // last scan attempt, successful or not
  std::string db_build_id;           // of the last successful scan
  std::int64_t findings = -1;        // of the last successful scan; -1 before one
  std::string last_error;            // of the last attempt; "" when it succeeded
};

// max(pushedAt, lastPulledAt).
std::int64_t LastUse(const TrackedImage& image);
// Whether `image` is kept under re-evaluation at `now`: lifetime, or its last use is at most
// `window` old (the boundary second is inside). An image with no known use is outside.
bool InRescanWindow(const TrackedImage& image, const RescanWindow& window, std::int64_t now);

struct WatchState {
  std::vector<TrackedImage> images;  // sorted by (repository, digest)
};

// watch-state.json: {"version": 1, "images": [{"repository", "digest", "registry", "tags",
// "pushedAt", "lastPulledAt", "lastScannedAt", "lastAttemptAt" (RFC 3339 or null),
// "dbBuildId", "findings" (null before a scan), "lastError", "result" (the result file,
// relative to the results directory)}]}.
std::string WatchStateToJson(const WatchState& state);
// Corruption naming `source` for a malformed document or entry (a bad time, digest, repository).
base::Result<WatchState> WatchStateFromJson(std::string_view text, const std::string& source);

// A repository name as one path component: bytes in [a-z0-9._-] are kept, anything else
// (the '/' separators) becomes %XX, and a leading '.' becomes %2E, so the result is never
// ".", ".." or hidden, and two repositories never share a directory.
std::string EscapeRepository(std::string_view repository);
// "<escaped repository>/<digest>.json". InvalidArgument unless digest is sha256:<64 hex>.
base::Result<std::string> ResultRelativePath(std::string_view repository, std::string_view digest);

// ---- The watcher ----

struct WatchOptions {
  std::filesystem::path results_dir;
  std::string db;        // advisory DB file; empty: advisories::DefaultDbPath
  std::string registry;  // scan every image from this host (and allow credentials)
  std::string token;     // deliveries must carry "Authorization: Bearer <token>"; "": none
  RescanWindow window;
  std::int64_t rescan_interval = 86400;  // seconds
  std::int64_t retry_after = 900;        // seconds before a failed scan is tried again
  int workers = 2;                       // scans at once
  std::size_t max_queue = 4096;          // queued scans; more stay due for the next tick
  ImageArgs image;                       // cache_dir empty: results_dir/.layer-cache
  inventory::CollectOptions collect;
  int max_db_age_days = 7;
  std::function<std::int64_t()> now;  // unix seconds; null: the system clock
};

struct WatchStats {
  std::uint64_t deliveries = 0;      // POSTs answered 200
  std::uint64_t rejected = 0;        // POSTs refused (401, 400, 415)
  std::uint64_t events_applied = 0;  // push, pull and delete events applied
  std::uint64_t events_ignored = 0;
  std::uint64_t queued = 0;     // scans queued
  std::uint64_t coalesced = 0;  // scan requests merged into one queued or running
  std::uint64_t scans_ok = 0;
  std::uint64_t scans_failed = 0;
  std::uint64_t dropped = 0;  // images dropped by the rescan window
};

struct TickReport {
  std::vector<std::string> dropped;  // "REPO@DIGEST" left the window
  std::size_t queued = 0;            // rescans queued
  bool db_changed = false;           // another DB build than at the previous tick
  std::string db_build_id;
};

struct DeliveryReply {
  int status = 200;
  std::string body;  // JSON
};

// Thread-safe. Scans run on Start()ed workers; without Start() events only queue them
// (tests drive the parts one at a time).
class RegistryWatcher {
 public:
  // Creates the results directory, loads watch-state.json when present (Corruption when it does
  // not parse: it is never overwritten silently) and opens the advisory DB once to read its
  // build (NotFound with "run `assay db update`" when there is none). InvalidArgument for bad
  // options (credentials without `registry`, workers < 1, a malformed registry host).
  static base::Result<std::unique_ptr<RegistryWatcher>> Create(WatchOptions options);
  ~RegistryWatcher();  // Stop(/*drain=*/false)
  RegistryWatcher(const RegistryWatcher&) = delete;
  RegistryWatcher& operator=(const RegistryWatcher&) = delete;

  // One webhook delivery: 401 for a missing or wrong token, 415 for another content type,
  // 400 for a body that is not an event envelope, 500 when the state cannot be written; else
  // the events are applied, the state saved, scans queued, and 200 with {"applied", "ignored"}.
  DeliveryReply HandleDelivery(std::string_view content_type, std::string_view authorization,
                               std::string_view body);

  // Applies the rescan window and queues due rescans (see the header comment).
  TickReport Tick();

  void Start();  // starts the workers (once)
  // Stops the workers: with `drain` after the queue is empty, else after the scans running
  // now (what was queued stays due in the state for the next start).
  void Stop(bool drain);
  // Waits until nothing is queued or running; false on timeout.
  bool WaitIdle(std::chrono::milliseconds timeout);

  WatchState Snapshot() const;
  WatchStats Stats() const;
  std::string StatsJson() const;  // for GET /healthz
  const WatchOptions& options() const { return options_; }
  std::filesystem::path StatePath() const;

 private:
  using Key = std::pair<std::string, std::string>;  // repository, digest
  explicit RegistryWatcher(WatchOptions options);
  std::int64_t Now() const;
  void ApplyEventLocked(const RegistryEvent& event, EventUse use, std::int64_t now,
                        const std::string& host, std::vector<Key>* to_scan);
  bool DueLocked(const TrackedImage& image, std::int64_t now) const;
  void EnqueueLocked(const Key& key);
  base::Status SaveStateLocked();
  void RefreshDbBuild();
  void WorkerLoop();
  void ScanOne(const Key& key);

  WatchOptions options_;
  std::filesystem::path db_path_;
  ImageArgs image_args_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::map<Key, TrackedImage> images_;
  std::deque<Key> queue_;
  std::set<Key> pending_;  // queued or running
  std::size_t running_ = 0;
  bool stopping_ = false;
  bool drain_ = true;
  bool started_ = false;
  std::vector<std::thread> workers_;
  WatchStats stats_;

  std::mutex db_mu_;
  std::string db_identity_;  // inode:size:mtime of the DB file at the last check
  std::string db_build_id_;  // guarded by mu_
};

// The HTTP listener: POST /registry-events → RegistryWatcher::HandleDelivery; GET /healthz →
// StatsJson. Bodies above 8 MiB are refused (413).
class WatchServer {
 public:
  // `listen`: "HOST:PORT", ":PORT" (every IPv4 address) or "[V6]:PORT"; port 0 picks a free
  // one. InvalidArgument for a malformed address, Unavailable when it cannot be bound.
  static base::Result<std::unique_ptr<WatchServer>> Start(RegistryWatcher& watcher,
                                                          std::string_view listen);
  ~WatchServer();  // Stop()
  WatchServer(const WatchServer&) = delete;
  WatchServer& operator=(const WatchServer&) = delete;
  int port() const;
  // "http://HOST:PORT/registry-events"
  std::string url() const;
  // Stops accepting and waits for the requests being answered.
  void Stop();

 private:
  struct Impl;
  explicit WatchServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ---- scan registry ----

struct ScanRegistryOptions {
  // scan.path: "HOST/REPO[:TAG|@sha256:…]", or "HOST" with all_tags. The format, filters,
  // --db, --output, --exit-code, image flags and clock of `assay scan` apply; scan.target is
  // ignored.
  ScanOptions scan;
  bool all_tags = false;
  int parallel = 2;  // images collected at once (>= 1)
};

// Never prints (see ScanOutcome). Thread-compatible.
ScanOutcome RunScanRegistry(const ScanRegistryOptions& options);

}  // namespace assay::cli
