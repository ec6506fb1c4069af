// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// `assay db update|status|diff|get`: the advisory database verbs. The work is in the advisories
// library (update.h, db.h, detail.h); this file parses flags and prints.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "advisories/db.h"
#include "advisories/detail.h"
#include "advisories/feed.h"
#include "advisories/update.h"
#include "base/log.h"
#include "base/strings.h"
#include "cli/commands.h"

namespace assay::cli {
namespace {

namespace adv = assay::advisories;
namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

struct DbOptions {
  std::string db;
  // update
  std::string mirror;
  std::string ecosystems;
  std::string enrichment_dir;
  bool no_enrichment = false;
  bool nvd = false;
  bool offline = false;
  bool force = false;
  int threads = 0;
  // status / diff
  std::string format = "table";
  std::string old_db;
  std::string new_db;
  // get
  std::string id;
};

void PrintErr(std::string_view verb, const std::string& message) {
  std::fprintf(stderr, "assay db %.*s: %s\n", static_cast<int>(verb.size()), verb.data(),
               message.c_str());
}

std::string Dump(const ordered_json& j) {
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

void Print(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

base::Result<fs::path> ResolveDb(const std::string& flag, bool create_dir) {
  if (!flag.empty()) return fs::path(flag);
  return adv::DefaultDbPath(create_dir);
}

// Exit code for a failure to open or read a DB: a missing/unreadable DB or an unknown id is the
// caller's input problem (2); anything else is a failure (1).
int ExitFor(const base::Status& s) {
  switch (s.code()) {
    case base::Code::kNotFound:
    case base::Code::kInvalidArgument:
    case base::Code::kNotSupported:
    case base::Code::kCorruption:
      return kExitUsage;
    default:
      return kExitFailed;
  }
}

std::string Short(std::string_view fingerprint) {
  return std::string(fingerprint.substr(0, 19));  // "sha256:" + 12 hex digits
}

// ---- update ---------------------------------------------------------------------------------

int RunUpdate(const DbOptions& o) {
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  bool url_mirror = base::StartsWithIgnoreCase(o.mirror, "http://") ||
                    base::StartsWithIgnoreCase(o.mirror, "https://");
  if (o.offline && (o.mirror.empty() || url_mirror)) {
    PrintErr("update", "--offline needs --mirror DIR (a local mirror directory)");
    return kExitUsage;
  }
  if (o.no_enrichment && !o.enrichment_dir.empty()) {
    PrintErr("update", "--no-enrichment and --enrichment DIR contradict each other");
    return kExitUsage;
  }
  auto db_path = ResolveDb(o.db, /*create_dir=*/true);
  if (!db_path.ok()) {
    PrintErr("update", db_path.status().message());
    return kExitUsage;
  }
  auto source = adv::MakeFeedSource(o.mirror, tty);
  if (!source.ok()) {
    PrintErr("update", source.status().message());
    return kExitUsage;
  }

  adv::UpdateOptions opts;
  opts.db_path = *db_path;
  for (std::string_view e : base::Split(o.ecosystems, ',')) {
    e = base::Trim(e);
    if (!e.empty()) opts.ecosystems.emplace_back(e);
  }
  opts.force = o.force;
  if (!o.enrichment_dir.empty()) {
    fs::path dir = o.enrichment_dir;
    opts.load_enrichment = [dir] { return adv::LoadEnrichmentDir(dir); };
  } else if (!o.no_enrichment && !o.offline) {
    bool nvd = o.nvd;
    opts.load_enrichment = [nvd, tty] { return adv::FetchEnrichment(nvd, tty); };
  }
  opts.import.threads = o.threads;
  opts.import.on_warning = [](const adv::ImportWarning& w) {
    std::fprintf(stderr, "assay: warning: %s\n", adv::FormatWarning(w).c_str());
  };
  bool drew_progress = false;
  if (tty) {
    opts.import.on_progress = [&drew_progress](std::size_t done, std::size_t total) {
      std::fprintf(stderr, "\rimporting: %zu / %zu records", done, total);
      std::fflush(stderr);
      drew_progress = true;
    };
  }
  opts.on_note = [](std::string_view n) { base::Log(base::LogLevel::kInfo, "{}", n); };

  // libzip converts every entry's DOS time with mktime(), and glibc re-reads /etc/localtime on
  // each call while TZ is unset (a stat per zip entry, ~10% of an import). Naming the same
  // default zone explicitly lets glibc cache it; nothing else changes. Threads start later.
  if (std::getenv("TZ") == nullptr) ::setenv("TZ", ":/etc/localtime", 0);

  auto start = std::chrono::steady_clock::now();
  auto result = adv::UpdateDb(**source, opts);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (drew_progress) std::fputc('\n', stderr);
  if (!result.ok()) {
    PrintErr("update", result.status().ToString() + " (the previous DB, if any, is unchanged)");
    return kExitFailed;
  }
  const adv::UpdateResult& r = *result;
  for (const auto& [phase, secs] : r.phases) {
    base::Log(base::LogLevel::kInfo, "{}: {:.3f} s", phase, secs);
  }
  for (const std::string& n : r.notes) std::fprintf(stderr, "assay: note: %s\n", n.c_str());
  if (r.stale_temps_removed > 0) {
    std::fprintf(stderr, "assay: note: removed %zu temporary file(s) of an interrupted update\n",
                 r.stale_temps_removed);
  }

  std::string out = fmt::format("{:<14} {:<10} {:>9} {:>9}  {}\n", "FEED", "STATE", "RECORDS",
                                "WARNINGS", "FINGERPRINT");
  for (const adv::EcosystemOutcome& e : r.ecosystems) {
    std::string last = e.note.empty() ? Short(e.fingerprint) : e.note;
    out += fmt::format("{:<14} {:<10} {:>9} {:>9}  {}\n", e.name, adv::StateName(e.state),
                       e.records, e.warnings, last);
  }
  if (r.up_to_date) {
    out += fmt::format("advisory DB is up to date: {} records, build {}, {} ({:.2f} s)\n",
                       r.total_records, r.build_id, r.db_path.string(), seconds);
  } else {
    out += fmt::format("built {}: {} records, {} warnings, enrichment {}, build {} ({:.2f} s)\n",
                       r.db_path.string(), r.total_records, r.warnings.size(), r.enrichment,
                       r.build_id, seconds);
  }
  Print(out);
  return kExitOk;
}

// ---- status ---------------------------------------------------------------------------------

ordered_json StatusJson(const adv::DbStatus& s) {
  ordered_json j;
  j["path"] = s.path.string();
  j["schema_version"] = s.schema_version;
  j["build_id"] = s.build_id;
  j["build_time"] = s.build_time;
  j["assay_version"] = s.assay_version;
  ordered_json sources = ordered_json::array();
  for (const adv::SourceStatus& src : s.sources) {
    sources.push_back({{"name", src.name},
                       {"url", src.url},
                       {"fingerprint", src.fingerprint},
                       {"etag", src.etag},
                       {"last_modified", src.last_modified},
                       {"record_count", src.record_count},
                       {"entry_count", src.entry_count},
                       {"warning_count", src.warning_count},
                       {"imported_at", src.imported_at}});
  }
  j["sources"] = std::move(sources);
  ordered_json ecos = ordered_json::array();
  for (const auto& [eco, n] : s.ecosystems) ecos.push_back({{"ecosystem", eco}, {"records", n}});
  j["ecosystems"] = std::move(ecos);
  j["enrichment"] = {{"fingerprint", s.enrichment.fingerprint},
                     {"kev_catalog_version", s.enrichment.kev_catalog_version},
                     {"kev_entries", s.enrichment.kev_entries},
                     {"nvd_entries", s.enrichment.nvd_entries},
                     {"sources", s.enrichment.sources},
                     {"loaded_at", s.enrichment.loaded_at}};
  j["total_records"] = s.total_records;
  return j;
}

std::string StatusTable(const adv::DbStatus& s) {
  std::string out;
  out += fmt::format("path        {}\n", s.path.string());
  out += fmt::format("build       {} at {} (schema {}, assay {})\n", s.build_id, s.build_time,
                     s.schema_version, s.assay_version);
  out += fmt::format("records     {}\n", s.total_records);
  if (s.enrichment.fingerprint.empty()) {
    out += "enrichment  none\n";
  } else {
    out += fmt::format("enrichment  KEV {} ({} entries), NVD CVSS {} CVEs, loaded {}\n",
                       s.enrichment.kev_catalog_version.empty() ? "-"
                                                                : s.enrichment.kev_catalog_version,
                       s.enrichment.kev_entries, s.enrichment.nvd_entries,
                       s.enrichment.loaded_at);
  }
  out += fmt::format("\n{:<14} {:>9} {:>9}  {:<20} {:<20}  {}\n", "SOURCE", "RECORDS", "WARNINGS",
                     "FINGERPRINT", "IMPORTED", "URL");
  for (const adv::SourceStatus& src : s.sources) {
    out += fmt::format("{:<14} {:>9} {:>9}  {:<20} {:<20}  {}\n", src.name, src.record_count,
                       src.warning_count, Short(src.fingerprint), src.imported_at, src.url);
  }
  out += fmt::format("\n{:<24} {:>9}\n", "ECOSYSTEM", "RECORDS");
  for (const auto& [eco, n] : s.ecosystems) out += fmt::format("{:<24} {:>9}\n", eco, n);
  return out;
}

int RunStatus(const DbOptions& o) {
  auto path = ResolveDb(o.db, false);
  if (!path.ok()) {
    PrintErr("status", path.status().message());
    return kExitUsage;
  }
  auto db = adv::AdvisoryDb::Open(*path);
  if (!db.ok()) {
    PrintErr("status", db.status().message());
    return ExitFor(db.status());
  }
  auto s = (*db)->GetStatus();
  if (!s.ok()) {
    PrintErr("status", s.status().ToString());
    return kExitFailed;
  }
  Print(o.format == "json" ? Dump(StatusJson(*s)) : StatusTable(*s));
  return kExitOk;
}

// ---- diff -----------------------------------------------------------------------------------

int RunDiff(const DbOptions& o) {
  auto old_db = adv::AdvisoryDb::Open(o.old_db);
  if (!old_db.ok()) {
    PrintErr("diff", old_db.status().message());
    return ExitFor(old_db.status());
  }
  auto new_db = adv::AdvisoryDb::Open(o.new_db);
  if (!new_db.ok()) {
    PrintErr("diff", new_db.status().message());
    return ExitFor(new_db.status());
  }
  auto d = adv::DiffDbs(**old_db, **new_db);
  if (!d.ok()) {
    PrintErr("diff", d.status().ToString());
    return kExitFailed;
  }
  if (o.format == "json") {
    ordered_json j;
    j["added"] = d->added;
    j["changed"] = d->changed;
    j["withdrawn"] = d->withdrawn;
    j["removed"] = d->removed;
    Print(Dump(j));
    return kExitOk;
  }
  std::string out;
  for (const auto& [kind, ids] : {std::pair<const char*, const std::vector<std::string>*>{
                                      "added", &d->added},
                                  {"changed", &d->changed},
                                  {"withdrawn", &d->withdrawn},
                                  {"removed", &d->removed}}) {
    for (const std::string& id : *ids) out += fmt::format("{:<10} {}\n", kind, id);
  }
  out += fmt::format("{} added, {} changed, {} withdrawn, {} removed\n", d->added.size(),
                     d->changed.size(), d->withdrawn.size(), d->removed.size());
  Print(out);
  return kExitOk;
}

// ---- get ------------------------------------------------------------------------------------

int RunGet(const DbOptions& o) {
  auto path = ResolveDb(o.db, false);
  if (!path.ok()) {
    PrintErr("get", path.status().message());
    return kExitUsage;
  }
  auto db = adv::AdvisoryDb::Open(*path);
  if (!db.ok()) {
    PrintErr("get", db.status().message());
    return ExitFor(db.status());
  }
  auto a = (*db)->Get(o.id);
  if (!a.ok()) {
    PrintErr("get", a.status().message());
    return ExitFor(a.status());
  }
  Print(Dump(adv::AdvisoryDetailJson(*a)));
  return kExitOk;
}

}  // namespace

void AddDb(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<DbOptions>();
  CLI::App* db = app.add_subcommand("db", "Manage the local advisory database");
  db->require_subcommand(1);
  const std::string db_help =
      "Advisory DB file (default $ASSAY_DB, else $XDG_CACHE_HOME/assay/advisories.db, else "
      "~/.cache/assay/advisories.db)";

  CLI::App* update = db->add_subcommand("update", "Fetch the OSV feeds and rebuild the DB");
  update->add_option("--mirror", o->mirror,
                     "Mirror directory or http(s) base URL laid out as <Ecosystem>/all.zip "
                     "(default: the public OSV bucket)");
  update->add_option("--db", o->db, db_help);
  update->add_option("--ecosystems", o->ecosystems,
                     "Comma-separated feeds, e.g. Debian,PyPI (default: all the source has)");
  update->add_option("--enrichment", o->enrichment_dir,
                     "Enrichment directory (kev/known_exploited_vulnerabilities.json, "
                     "nvd/nvd-cvss-from-json-1.1.csv.gz)");
  update->add_flag("--no-enrichment", o->no_enrichment,
                   "Do not load enrichment; keep the previous build's");
  update->add_flag("--nvd", o->nvd, "Also fetch NVD CVSS from the public API (slow)");
  update->add_flag("--offline", o->offline,
                   "No network: needs --mirror DIR; enrichment only from --enrichment DIR");
  update->add_flag("--force", o->force, "Rebuild even when nothing changed");
  update->add_option("--threads", o->threads, "Import worker threads (default: one per core)")
      ->check(CLI::Range(0, 16));
  update->callback([o, exit_code] { *exit_code = RunUpdate(*o); });

  CLI::App* status = db->add_subcommand("status", "Show the DB's build, sources and counts");
  status->add_option("--db", o->db, db_help);
  status->add_option("--format", o->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  status->callback([o, exit_code] { *exit_code = RunStatus(*o); });

  CLI::App* diff = db->add_subcommand(
      "diff", "List advisory ids added, changed, newly withdrawn or removed between two builds");
  diff->add_option("old", o->old_db, "Older DB file")->required();
  diff->add_option("new", o->new_db, "Newer DB file")->required();
  diff->add_option("--format", o->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  diff->callback([o, exit_code] { *exit_code = RunDiff(*o); });

  CLI::App* get = db->add_subcommand("get", "Print one advisory (by id or alias) as JSON with "
                                            "its CVSS scores and KEV membership");
  get->add_option("id", o->id, "Advisory id or alias, e.g. GHSA-…, CVE-…")->required();
  get->add_option("--db", o->db, db_help);
  get->callback([o, exit_code] { *exit_code = RunGet(*o); });
}

}  // namespace assay::cli
