// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "advisories/update.h"

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <future>
#include <map>
#include <optional>
#include <set>

#include "advisories/builder.h"
#include "advisories/db.h"
#include "base/file.h"

namespace assay::advisories {
namespace fs = std::filesystem;

std::string_view StateName(EcosystemOutcome::State s) {
  switch (s) {
    case EcosystemOutcome::State::kImported: return "imported";
    case EcosystemOutcome::State::kUnchanged: return "unchanged";
    case EcosystemOutcome::State::kRemoved: return "removed";
    case EcosystemOutcome::State::kSkipped: return "skipped";
  }
  return "?";
}

namespace {

struct Previous {
  DbStatus status;
  std::map<std::string, SourceStatus> sources;
};

// "<db>.fetch-XXXXXX", removed with its content on destruction.
class FetchDir {
 public:
  static base::Result<FetchDir> Create(const fs::path& db_path) {
    std::string tmpl = db_path.string() + ".fetch-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      return base::Status::IOError("mkdtemp " + tmpl + ": " + std::strerror(errno));
    }
    return FetchDir(fs::path(tmpl));
  }
  FetchDir(FetchDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  FetchDir& operator=(FetchDir&&) = delete;
  ~FetchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit FetchDir(fs::path p) : path_(std::move(p)) {}
  fs::path path_;
};

}  // namespace

base::Result<UpdateResult> UpdateDb(const FeedSource& source, const UpdateOptions& options) {
  auto note = [&](std::string_view n) {
    if (options.on_note) options.on_note(n);
  };
  UpdateResult result;
  auto phase_start = std::chrono::steady_clock::now();
  auto end_phase = [&](const char* name) {
    auto now = std::chrono::steady_clock::now();
    result.phases.emplace_back(name, std::chrono::duration<double>(now - phase_start).count());
    phase_start = now;
  };
  result.db_path = options.db_path;
  const fs::path& db_path = options.db_path;
  if (db_path.empty()) return base::Status::InvalidArgument("no advisory DB path");
  if (db_path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(db_path.parent_path(), ec);
    if (ec) {
      return base::Status::IOError("create " + db_path.parent_path().string() + ": " +
                                   ec.message());
    }
  }
  ASSAY_ASSIGN_OR_RETURN(UpdateLock lock, UpdateLock::Acquire(db_path));
  result.stale_temps_removed = RemoveStaleTemps(db_path);

  // What the previous build recorded; an unreadable or outdated one is rebuilt from scratch.
  std::optional<Previous> prev;
  {
    std::error_code ec;
    if (fs::exists(db_path, ec)) {
      auto db = AdvisoryDb::Open(db_path);
      base::Result<DbStatus> st =
          db.ok() ? (*db)->GetStatus() : base::Result<DbStatus>(db.status());
      if (st.ok()) {
        prev.emplace();
        prev->status = std::move(*st);
        for (const SourceStatus& s : prev->status.sources) prev->sources[s.name] = s;
      } else {
        result.notes.push_back("previous DB not usable (" + st.status().message() +
                               "); building a new one from scratch");
      }
    }
  }

  std::vector<std::string> ecosystems;
  const bool named = !options.ecosystems.empty();
  if (named) {
    ecosystems = options.ecosystems;
  } else {
    ASSAY_ASSIGN_OR_RETURN(ecosystems, source.ListEcosystems());
  }
  {
    std::set<std::string> seen;
    std::vector<std::string> unique;
    for (auto& e : ecosystems) {
      if (!e.empty() && seen.insert(e).second) unique.push_back(std::move(e));
    }
    ecosystems = std::move(unique);
  }
  if (ecosystems.empty()) {
    return base::Status::NotFound("no advisory feeds at " + source.Describe());
  }

  // Enrichment loads in the background while the feeds are fetched and imported; it is only
  // waited for when it decides whether anything changed, or when the build needs it.
  std::future<base::Result<Enrichment>> pending_enrichment;
  if (options.load_enrichment) {
    note("loading enrichment");
    pending_enrichment = std::async(std::launch::async, [&options]() -> base::Result<Enrichment> {
      try {
        return options.load_enrichment();
      } catch (const std::exception& e) {
        return base::Status::Internal(std::string("enrichment loader: ") + e.what());
      } catch (...) {
        return base::Status::Internal("enrichment loader: unknown exception");
      }
    });
  }

  // Fetch everything first: the build needs to know which sources to carry over before it
  // imports anything. Downloads go next to the DB (the bucket's zips are large; /tmp is often a
  // small tmpfs), into a directory a killed run's successor removes.
  ASSAY_ASSIGN_OR_RETURN(FetchDir work, FetchDir::Create(db_path));
  std::vector<FetchedZip> changed;
  std::vector<std::string> changed_names;
  std::vector<SourceRow> unchanged;
  std::set<std::string> in_new_build;
  for (const std::string& eco : ecosystems) {
    FeedState state;
    const SourceStatus* old = nullptr;
    if (prev) {
      if (auto it = prev->sources.find(eco); it != prev->sources.end()) {
        old = &it->second;
        state = {old->fingerprint, old->etag, old->last_modified};
      }
    }
    note("fetching " + eco);
    auto fetched = source.Fetch(eco, state, work.path());
    if (!fetched.ok()) {
      if (!named && fetched.status().code() == base::Code::kNotFound) {
        EcosystemOutcome o;
        o.name = eco;
        o.state = EcosystemOutcome::State::kSkipped;
        o.note = "not offered by " + source.Describe();
        result.ecosystems.push_back(std::move(o));
        continue;
      }
      return fetched.status().WithContext("fetching " + eco + " from " + source.Describe());
    }
    FetchedZip& z = *fetched;
    in_new_build.insert(eco);
    bool same = z.unchanged || (old != nullptr && !z.fingerprint.empty() &&
                                z.fingerprint == old->fingerprint);
    if (same) {
      if (old == nullptr) {
        return base::Status::Internal("feed " + eco + " reported unchanged without a previous "
                                      "state");
      }
      SourceRow row{eco, z.url.empty() ? old->url : z.url, old->fingerprint,
                    z.etag.empty() ? old->etag : z.etag,
                    z.last_modified.empty() ? old->last_modified : z.last_modified};
      unchanged.push_back(std::move(row));
      EcosystemOutcome o;
      o.name = eco;
      o.state = EcosystemOutcome::State::kUnchanged;
      o.records = old->record_count;
      o.warnings = static_cast<std::size_t>(old->warning_count);
      o.fingerprint = old->fingerprint;
      o.url = unchanged.back().url;
      result.ecosystems.push_back(std::move(o));
      continue;
    }
    if (z.path.empty()) return base::Status::Internal("feed " + eco + " fetched without a file");
    changed.push_back(std::move(z));
    changed_names.push_back(eco);
  }
  bool removed_any = false;
  if (prev) {
    for (const auto& [name, s] : prev->sources) {
      if (in_new_build.count(name)) continue;
      removed_any = true;
      EcosystemOutcome o;
      o.name = name;
      o.state = EcosystemOutcome::State::kRemoved;
      o.records = s.record_count;
      o.fingerprint = s.fingerprint;
      o.url = s.url;
      result.ecosystems.push_back(std::move(o));
    }
  }
  if (in_new_build.empty()) {
    return base::Status::NotFound("none of the requested feeds is offered by " +
                                  source.Describe());
  }

  end_phase("fetch");

  // Enrichment: new content, or the previous build's.
  std::optional<Enrichment> enrichment;
  std::string enrichment_fp;
  const std::string prev_fp = prev ? prev->status.enrichment.fingerprint : std::string();
  bool enrichment_changed = false;
  result.enrichment = prev_fp.empty() ? "none" : "kept";
  auto finish_enrichment = [&] {
    if (!pending_enrichment.valid()) return;
    auto e = pending_enrichment.get();
    if (e.ok()) {
      enrichment = std::move(*e);
      for (const std::string& w : enrichment->warnings) result.notes.push_back("enrichment: " + w);
      enrichment_fp = EnrichmentFingerprint(*enrichment);
      enrichment_changed = enrichment_fp != prev_fp;
      result.enrichment = enrichment_changed ? "loaded" : "unchanged";
    } else {
      result.notes.push_back("enrichment not loaded (" + e.status().ToString() + ")" +
                             (prev ? "; keeping the previous build's" : ""));
    }
  };

  // Feeds are reported in the order they were asked for; removed ones last.
  auto sort_outcomes = [&] {
    std::map<std::string, size_t> order;
    for (size_t k = 0; k < ecosystems.size(); ++k) order.emplace(ecosystems[k], k);
    auto rank = [&](const EcosystemOutcome& o) {
      auto it = order.find(o.name);
      return it == order.end() ? order.size() : it->second;
    };
    std::stable_sort(result.ecosystems.begin(), result.ecosystems.end(),
                     [&](const EcosystemOutcome& a, const EcosystemOutcome& b) {
                       return rank(a) < rank(b);
                     });
  };

  const bool feeds_changed = !prev || options.force || !changed.empty() || removed_any;
  if (!feeds_changed) {
    finish_enrichment();
    end_phase("enrichment");
  }
  if (!feeds_changed && !enrichment_changed) {
    sort_outcomes();
    result.up_to_date = true;
    result.build_id = prev->status.build_id;
    for (const auto& o : result.ecosystems) {
      if (o.state == EcosystemOutcome::State::kUnchanged) result.total_records += o.records;
    }
    return result;
  }

  note("building " + db_path.string());
  std::optional<fs::path> previous_path;
  if (prev) previous_path = db_path;
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<DbBuilder> builder,
                         DbBuilder::Create(db_path, previous_path));
  ASSAY_ASSIGN_OR_RETURN(auto carried, builder->CarryOverSources(unchanged));
  for (const auto& [name, n] : carried) result.total_records += n;

  std::vector<ZipInput> inputs;
  std::vector<SourceRow> rows;
  for (size_t k = 0; k < changed.size(); ++k) {
    // The feed's name is the one asked for, whatever the source put in FetchedZip::ecosystem.
    const FetchedZip& z = changed[k];
    inputs.push_back({changed_names[k], z.path});
    rows.push_back({changed_names[k], z.url, z.fingerprint, z.etag, z.last_modified});
  }
  builder->SetZipSources(rows);
  std::vector<ImportReport> reports;
  base::Status s = ImportZips(inputs, *builder, options.import, &reports);
  if (!s.ok()) return s;
  for (size_t k = 0; k < reports.size(); ++k) {
    const ImportReport& r = reports[k];
    EcosystemOutcome o;
    o.name = r.source;
    o.state = EcosystemOutcome::State::kImported;
    o.records = static_cast<std::int64_t>(r.imported);
    o.warnings = r.warnings.size();
    o.fingerprint = rows[k].fingerprint;
    o.url = rows[k].url;
    result.total_records += o.records;
    result.ecosystems.push_back(std::move(o));
    result.warnings.insert(result.warnings.end(), r.warnings.begin(), r.warnings.end());
  }
  end_phase("import");
  if (pending_enrichment.valid()) {
    finish_enrichment();
    end_phase("enrichment");
  }
  if (enrichment.has_value()) {
    ASSAY_RETURN_IF_ERROR(builder->SetEnrichment(*enrichment, enrichment_fp));
  } else if (prev) {
    ASSAY_RETURN_IF_ERROR(builder->CarryOverEnrichment());
  }
  note("committing");
  ASSAY_ASSIGN_OR_RETURN(result.build_id, builder->Commit());
  end_phase("commit");

  sort_outcomes();
  return result;
}

}  // namespace assay::advisories
