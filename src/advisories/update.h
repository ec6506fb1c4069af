// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// `assay db update` as a library call: fetch each ecosystem's zip from a FeedSource with the
// validators the previous build recorded, import the changed zips, carry the unchanged ones over,
// add enrichment, and commit the new build atomically. When nothing changed the DB file is not
// touched at all. Updates of one DB path are serialised by UpdateLock (a concurrent one fails
// with Unavailable).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "advisories/feed.h"
#include "advisories/import.h"
#include "base/status.h"

namespace assay::advisories {

struct UpdateOptions {
  std::filesystem::path db_path;  // its directory is created when missing
  // Feeds to put in the DB; empty means source.ListEcosystems(). The new build holds exactly
  // these: sources of the previous build that are not listed are dropped (reported kRemoved).
  // A listed feed the source does not have is an error when named here, and skipped with a
  // note when it only came from the source's default list.
  std::vector<std::string> ecosystems;
  // Loads enrichment (KEV, NVD). Runs on a thread of its own, concurrently with the fetch and
  // the import, so it must not touch the caller's state unsynchronised. Null: keep the previous
  // build's enrichment (none for a first build). A failure is a note, and the previous
  // enrichment is kept.
  std::function<base::Result<Enrichment>()> load_enrichment;
  bool force = false;  // rebuild even when every feed and the enrichment are unchanged
  ImportOptions import;
  // Progress notes for humans ("fetching PyPI"), on the calling thread.
  std::function<void(std::string_view)> on_note;
};

struct EcosystemOutcome {
  enum class State { kImported, kUnchanged, kRemoved, kSkipped };
  std::string name;
  State state = State::kImported;
  std::int64_t records = 0;
  std::size_t warnings = 0;
  std::string fingerprint;
  std::string url;
  std::string note;  // why it was skipped
};

std::string_view StateName(EcosystemOutcome::State s);  // "imported", "unchanged", ...

struct UpdateResult {
  bool up_to_date = false;  // nothing changed: the DB file was left untouched
  std::filesystem::path db_path;
  std::string build_id;  // of the new build, or of the untouched one
  std::vector<EcosystemOutcome> ecosystems;
  std::vector<ImportWarning> warnings;  // every import warning, in feed order
  std::vector<std::string> notes;       // enrichment problems, previous DB unusable, ...
  std::string enrichment;               // "loaded", "unchanged", "kept" (previous), "none"
  std::int64_t total_records = 0;
  std::size_t stale_temps_removed = 0;
  // Wall seconds per phase ("fetch", "enrichment", "import", "commit"), for -v and benchmarks.
  std::vector<std::pair<std::string, double>> phases;
};

// Errors (the previous DB is then untouched): fetch failures (Unavailable, NotFound for a named
// feed), a zip that cannot be read (Corruption), an update already running (Unavailable), file
// system errors.
base::Result<UpdateResult> UpdateDb(const FeedSource& source, const UpdateOptions& options);

}  // namespace assay::advisories
