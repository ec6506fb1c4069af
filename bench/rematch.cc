// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// bench/rematch: continuous re-evaluation (assess::Evaluator over findings::Store) at fleet size,
// on SQLite and on PostgreSQL.
//
//   assay_bench_rematch [--resources N] [--backend sqlite|postgres|both] [--seed S]
//                       [--cache DIR] [--data DIR] [--conformance DIR] [--force]
//
// The advisory DBs are cached in --cache (default: beside the executable, rematch-cache/). The
// SQLite store is made there too, the PostgreSQL one in the private server that
// base/testing/postgres.h starts (the integration tests' server: fsync and synchronous_commit
// off); each is removed after its backend's run. Before the run the fleet is generated without a
// store to count its packages, links and findings, and a run whose SQLite store would not fit in
// the free disk space (with 2 GB to spare) is refused unless --force. Measured store sizes: about
// 0.3 GB (SQLite) and 0.6 GB (PostgreSQL) per 1,000 resources.
//
// Inputs, all real:
//  - advisory DB A: the shared OSV mirror (data/osv-mirror) with the enrichment folder, built once
//    with advisories::UpdateDb and kept in the cache directory;
//  - advisory DB B: DB A updated from a copy of the mirror in which exactly 1,000 advisories were
//    rewritten (also cached). They are advisories whose affected entries name packages of the
//    inventories below, preferring those that produce findings; 40 % lose their fixed versions
//    (the fix is retracted: packages past it become affected), 30 % are withdrawn, 30 % get a new
//    summary; each gets a new `modified` time. DiffDbs(A, B) must list exactly those ids. This
//    is the worst case for a fleet: most of the advisories that give it findings change at once.
//  - advisory DB R: the same with 1,000 advisories drawn uniformly from all of DB A's (not
//    withdrawn), whatever they name: an ordinary day of upstream edits.
//  - inventories: the OS package databases of data/scan-targets (Debian 8 to 12, Ubuntu, Alpine)
//    and their language lockfiles, collected with inventory::CollectInventory exactly as
//    `assay scan rootfs` does, plus the lockfile fixtures of conformance/parsers read with
//    inventory::CollectLockfile as `assay sbom --lockfile` does. Resource i (a seeded generator,
//    so every run and both backends get the same fleet) is one OS base, uniformly chosen, in
//    which each package is dropped with probability 1 % and moved to one of three newer
//    versions (the suffix a point release or an ESM update would add) with probability 3 %, plus
//    0 to 3 lockfiles (each under its own srv/appN/ directory).
//
// Phases, each in a child process of its own (the parent execs itself with --phase) so that the
// peak RSS column is that phase's ru_maxrss:
//   setup-put     Store::PutInventory of every resource (one transaction each)
//   setup-match   Evaluator(DB A).RematchAll: every interned package matched, the findings
//                 fanned out to every resource
//   delta-random  Evaluator(DB R).ApplyDbChange(DB A): a random 1,000 changed advisories; then
//                 (untimed, in the notes) back from R to A
//   delta-1000    Evaluator(DB B).ApplyDbChange(DB A): the 1,000 changed advisories
//   full-rematch  Evaluator(DB A).RematchAll: every interned package matched again; against the
//                 store now at DB B this carries the same 1,000 changes back (withdrawn
//                 advisories reopen their findings, and so on)
//   rematch-noop  Evaluator(DB A).RematchAll again: nothing changed, the matching alone
//   submit-1000   Evaluator(DB A).Submit of 1,000 further resources (steady-state uploads)
// `wall s` is the library call alone (not process start-up or opening the store); `events` is
// ChangeStats::events; `rematched` is EvalStats::packages_matched. On PostgreSQL the server's
// own memory is not in `peak MB` (it is the client's).
//
// Targets on the 2-core reference machine at 100,000 resources: delta-1000 <= 5 s,
// full-rematch <= 60 s.
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "advisories/db.h"
#include "advisories/feed.h"
#include "advisories/update.h"
#include "assess/evaluator.h"
#include "base/file.h"
#include "base/status.h"
#include "base/testing/postgres.h"
#include "fleet.h"
#include "findings/sql.h"
#include "findings/store.h"
#include "inventory/collector.h"
#include "inventory/fs.h"
#include "match/engine.h"
#include "match/matcher.h"
#include "model/inventory.h"

namespace assay::bench {
namespace {

namespace fs = std::filesystem;
using base::Result;
using base::Status;
using nlohmann::json;

// Bumped when the advisory change set or the fleet generator changes, so cached DBs are rebuilt.
constexpr int kBenchRevision = 1;
constexpr int kDeltaAdvisories = 1000;
constexpr int kSubmitResources = 1000;
constexpr const char* kAccount = "fleet";
constexpr const char* kNowPut = "2026-11-25T00:00:00Z";
constexpr const char* kNowMatch = "2026-11-25T01:00:00Z";
constexpr const char* kNowDelta = "2026-11-25T06:00:00Z";
constexpr const char* kNowDeltaBack = "2026-11-25T06:30:00Z";
constexpr const char* kNowRematch = "2026-11-25T12:00:00Z";
constexpr const char* kNowNoop = "2026-11-25T12:30:00Z";
constexpr const char* kNowSubmit = "2026-11-25T13:00:00Z";
constexpr const char* kModified = "2026-11-25T05:00:00Z";
// Store bytes per link, and per finding: its row, seven indexes, its finding.created event and
// its share of the events of the delta and of the full rematch (about 0.66 per finding each with
// this change set). Measured on SQLite; used to refuse a run the free disk space cannot hold.
constexpr double kBytesPerFinding = 1100;
constexpr double kBytesPerLink = 150;

// ---- options -----------------------------------------------------------------------------------

struct Options {
  std::int64_t resources = 100000;
  std::string backend = "both";
  std::uint64_t seed = 1;
  fs::path cache;
  fs::path data;
  fs::path conformance;
  bool force = false;  // run even when the stores look too big for the free disk space
  // Child-process side.
  std::string phase;
  std::string database;
  fs::path result;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "rematch: %s\n", what.c_str());
  std::exit(1);
}

void Check(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

template <typename T>
T Take(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.status().ToString());
  return std::move(r).value();
}

fs::path SelfExe() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) Die("cannot read /proc/self/exe: " + ec.message());
  return p;
}

fs::path SharedDir(const char* env, const char* sub) {
  if (const char* e = std::getenv(env); e != nullptr && *e != '\0') return e;
#ifdef ASSAY_SOURCE_DIR
  return fs::path(ASSAY_SOURCE_DIR) / ".." / "shared" / sub;
#else
  return fs::current_path() / ".." / "shared" / sub;
#endif
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  o.cache = SelfExe().parent_path() / "rematch-cache";
  o.data = SharedDir("ASSAY_SHARED_DATA_DIR", "data");
  o.conformance = SharedDir("ASSAY_CONFORMANCE_DIR", "conformance");
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--resources") {
      o.resources = std::strtoll(value().c_str(), nullptr, 10);
      if (o.resources < 1) Die("--resources must be at least 1");
    } else if (a == "--backend") {
      o.backend = value();
      if (o.backend != "sqlite" && o.backend != "postgres" && o.backend != "both") {
        Die("--backend: sqlite, postgres or both");
      }
    } else if (a == "--seed") {
      o.seed = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--cache") {
      o.cache = value();
    } else if (a == "--data") {
      o.data = value();
    } else if (a == "--conformance") {
      o.conformance = value();
    } else if (a == "--force") {
      o.force = true;
    } else if (a == "--phase") {
      o.phase = value();
    } else if (a == "--database") {
      o.database = value();
    } else if (a == "--result") {
      o.result = value();
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "usage: %s [--resources N] [--backend sqlite|postgres|both] [--seed S] [--cache DIR]\n"
          "          [--data SHARED_DATA_DIR] [--conformance CONFORMANCE_DIR] [--force]\n",
          argv[0]);
      std::exit(0);
    } else {
      Die("unknown argument " + a + " (see --help)");
    }
  }
  return o;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// ---- the advisory DBs --------------------------------------------------------------------------

// What the cached DBs were built from: the mirror's and enrichment folder's files (size, mtime),
// the generator revision and the seed.
std::string InputStamp(const Options& o) {
  std::ostringstream s;
  s << "rev " << kBenchRevision << " seed " << o.seed << "\n";
  std::vector<fs::path> files;
  for (const char* sub : {"osv-mirror", "enrichment"}) {
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(o.data / sub, ec)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) continue;
    s << f.string() << " " << st.st_size << " " << st.st_mtim.tv_sec << "\n";
  }
  return s.str();
}

void BuildDbA(const Options& o, const fs::path& target) {
  auto source = Take(advisories::MakeDirectoryFeedSource(o.data / "osv-mirror"), "mirror");
  advisories::UpdateOptions uo;
  uo.db_path = target;
  uo.force = true;
  const fs::path enrichment = o.data / "enrichment";
  if (fs::is_directory(enrichment)) {
    uo.load_enrichment = [enrichment] { return advisories::LoadEnrichmentDir(enrichment); };
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto r = Take(advisories::UpdateDb(*source, uo), "build advisory DB A");
  std::fprintf(stderr, "rematch: advisory DB A: %" PRId64 " records, %.1f s\n", r.total_records,
               Seconds(t0));
}

enum class Change { kUnfixed, kWithdrawn, kEdited };

// Rewrites one OSV record for the change.
std::string Rewrite(std::string_view raw, Change change) {
  auto j = nlohmann::ordered_json::parse(raw, nullptr, false);
  if (!j.is_object()) return std::string(raw) + "\n";
  j["modified"] = kModified;
  bool unfixed = false;
  if (change == Change::kUnfixed && j.contains("affected") && j["affected"].is_array()) {
    for (auto& a : j["affected"]) {
      if (!a.contains("ranges") || !a["ranges"].is_array()) continue;
      for (auto& r : a["ranges"]) {
        if (!r.contains("events") || !r["events"].is_array()) continue;
        nlohmann::ordered_json kept = nlohmann::ordered_json::array();
        for (auto& e : r["events"]) {
          if (e.is_object() && (e.contains("fixed") || e.contains("last_affected"))) {
            unfixed = true;
            continue;
          }
          kept.push_back(e);
        }
        r["events"] = kept;
      }
    }
  }
  if (change == Change::kWithdrawn) j["withdrawn"] = kModified;
  if (change == Change::kEdited || (change == Change::kUnfixed && !unfixed)) {
    std::string summary = j.value("summary", std::string(j.value("id", "")));
    j["summary"] = summary + " (revised)";
  }
  return j.dump(2) + "\n";
}

struct Chosen {
  std::string id;
  std::string source;
  Change change;
};

// 1,000 advisories naming packages of the fleet's package lists: first those that produce
// findings on them, then others naming the same packages.
std::vector<Chosen> ChooseAdvisories(const Options& o, const advisories::AdvisoryDb& db,
                                     json& notes) {
  Pools pools = LoadPools(o.data, o.conformance);
  std::vector<const model::Inventory*> invs;
  for (const auto& b : pools.bases) invs.push_back(&b.inv);
  for (const auto& l : pools.lockfiles) invs.push_back(&l.inv);
  std::set<match::Query> queries;
  std::set<std::string> matched;
  for (const model::Inventory* inv : invs) {
    for (const model::Package& p : inv->packages) {
      for (auto& q : match::QueryFor(p, inv->os)) queries.insert(std::move(q));
    }
    match::MatchOptions mo;
    mo.resource_id = "pool";
    mo.observed_at = kNowPut;
    auto r = Take(match::MatchInventory(*inv, db, mo), "match package lists");
    for (const auto& f : r.findings) {
      matched.insert(f.package_vulnerability_details.vulnerability_id);
      for (const auto& id : f.package_vulnerability_details.related_vulnerabilities) {
        matched.insert(id);
      }
    }
  }
  std::map<std::string, std::string> naming;  // advisory id -> source
  for (const auto& q : queries) {
    auto entries = Take(db.Lookup(q.ecosystem, q.name, q.scope), "lookup " + q.name);
    for (const auto& e : entries) naming.emplace(e.advisory_id, e.source);
  }
  std::vector<std::pair<std::string, std::string>> hit, miss;
  for (const auto& [id, source] : naming) (matched.count(id) ? hit : miss).emplace_back(id, source);
  Rng rng(o.seed ^ 0xA5A5A5A5ULL);
  rng.Shuffle(hit);
  rng.Shuffle(miss);
  std::vector<std::pair<std::string, std::string>> pick;
  for (auto& x : hit) {
    if (pick.size() < static_cast<size_t>(kDeltaAdvisories)) pick.push_back(x);
  }
  const size_t from_hits = pick.size();
  for (auto& x : miss) {
    if (pick.size() < static_cast<size_t>(kDeltaAdvisories)) pick.push_back(x);
  }
  notes["advisories_naming_fleet_packages"] = naming.size();
  notes["advisories_matching_fleet_packages"] = hit.size();
  notes["changed_with_findings"] = from_hits;
  std::vector<Chosen> out;
  for (size_t i = 0; i < pick.size(); ++i) {
    Change c = i * 10 < pick.size() * 4   ? Change::kUnfixed
               : i * 10 < pick.size() * 7 ? Change::kWithdrawn
                                          : Change::kEdited;
    out.push_back({pick[i].first, pick[i].second, c});
  }
  return out;
}

// 1,000 advisories drawn uniformly from every advisory of DB A that is not withdrawn, whatever
// they name: what a day of upstream edits looks like to one fleet.
std::vector<Chosen> ChooseRandomAdvisories(const Options& o, const advisories::AdvisoryDb& db,
                                           json& notes) {
  auto states = Take(db.IdStates(), "advisory ids");
  std::vector<std::string> ids;
  for (const auto& st : states) {
    if (!st.withdrawn) ids.push_back(st.id);
  }
  Rng rng(o.seed ^ 0x5A5A5A5AULL);
  rng.Shuffle(ids);
  if (ids.size() > static_cast<size_t>(kDeltaAdvisories)) ids.resize(kDeltaAdvisories);
  std::sort(ids.begin(), ids.end());
  notes["advisories"] = states.size();
  std::vector<Chosen> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto stored = Take(db.Get(ids[i]), "get " + ids[i]);
    Change c = i % 10 < 4 ? Change::kUnfixed : i % 10 < 7 ? Change::kWithdrawn : Change::kEdited;
    out.push_back({ids[i], stored.source, c});
  }
  return out;
}

// Copies `zip` to `out` with the records of `changes` (id -> change) rewritten.
void RewriteZip(const fs::path& zip, const fs::path& out, const std::map<std::string, Change>& changes) {
  fs::create_directories(out.parent_path());
  fs::copy_file(zip, out, fs::copy_options::overwrite_existing);
  ::chmod(out.c_str(), 0644);
  int err = 0;
  zip_t* z = zip_open(out.c_str(), 0, &err);
  if (z == nullptr) Die("zip_open " + out.string() + ": error " + std::to_string(err));
  for (const auto& [id, change] : changes) {
    const std::string name = id + ".json";
    zip_int64_t idx = zip_name_locate(z, name.c_str(), 0);
    if (idx < 0) Die(zip.string() + ": no entry " + name);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, idx, 0, &st) != 0) Die(zip.string() + ": stat " + name);
    std::string raw(st.size, '\0');
    zip_file_t* f = zip_fopen_index(z, idx, 0);
    if (f == nullptr || zip_fread(f, raw.data(), st.size) != static_cast<zip_int64_t>(st.size)) {
      Die(zip.string() + ": read " + name);
    }
    zip_fclose(f);
    std::string text = Rewrite(raw, change);
    void* copy = std::malloc(text.size());
    std::memcpy(copy, text.data(), text.size());
    zip_source_t* src = zip_source_buffer(z, copy, text.size(), 1);
    if (src == nullptr || zip_file_replace(z, idx, src, 0) != 0) {
      Die(zip.string() + ": replace " + name + ": " + zip_strerror(z));
    }
  }
  if (zip_close(z) != 0) Die("zip_close " + out.string() + ": " + zip_strerror(z));
}

// DB A with the `random` or the fleet's choice of advisories rewritten.
void BuildDbB(const Options& o, const fs::path& a, const fs::path& target, bool random,
              json& notes) {
  const auto t0 = std::chrono::steady_clock::now();
  auto db_a = Take(advisories::AdvisoryDb::Open(a), "open DB A");
  std::vector<Chosen> chosen =
      random ? ChooseRandomAdvisories(o, *db_a, notes) : ChooseAdvisories(o, *db_a, notes);
  std::map<std::string, std::map<std::string, Change>> by_source;
  int counts[3] = {0, 0, 0};
  for (const auto& c : chosen) {
    by_source[c.source][c.id] = c.change;
    counts[static_cast<int>(c.change)]++;
  }
  notes["changes"] = {{"unfixed", counts[0]}, {"withdrawn", counts[1]}, {"edited", counts[2]}};
  auto tmp = Take(base::TempDir::Create("assay-rematch-mirror"), "temp dir");
  const fs::path mirror = o.data / "osv-mirror";
  for (const auto& e : fs::directory_iterator(mirror)) {
    if (!e.is_directory() || !fs::exists(e.path() / "all.zip")) continue;
    const std::string eco = e.path().filename().string();
    const fs::path out = tmp.path() / eco / "all.zip";
    auto it = by_source.find(eco);
    if (it == by_source.end()) {
      fs::create_directories(out.parent_path());
      fs::create_symlink(e.path() / "all.zip", out);
    } else {
      RewriteZip(e.path() / "all.zip", out, it->second);
    }
  }
  // DB B is DB A updated from the rewritten mirror: unchanged feeds are carried over.
  const fs::path staging = target.string() + ".staging";
  fs::copy_file(a, staging, fs::copy_options::overwrite_existing);
  auto source = Take(advisories::MakeDirectoryFeedSource(tmp.path()), "rewritten mirror");
  advisories::UpdateOptions uo;
  uo.db_path = staging;
  Take(advisories::UpdateDb(*source, uo), "build advisory DB B");
  auto db_b = Take(advisories::AdvisoryDb::Open(staging), "open DB B");
  auto diff = Take(advisories::DiffDbs(*db_a, *db_b), "diff A B");
  const size_t total =
      diff.added.size() + diff.changed.size() + diff.withdrawn.size() + diff.removed.size();
  notes["diff"] = {{"added", diff.added.size()},
                   {"changed", diff.changed.size()},
                   {"withdrawn", diff.withdrawn.size()},
                   {"removed", diff.removed.size()}};
  if (total != chosen.size()) {
    Die("DB B differs from DB A in " + std::to_string(total) + " advisories, expected " +
        std::to_string(chosen.size()));
  }
  db_b.reset();
  fs::rename(staging, target);
  std::error_code ec;
  fs::remove(staging.string() + ".lock", ec);
  std::fprintf(stderr, "rematch: advisory DB B: %zu advisories changed, %.1f s\n", total,
               Seconds(t0));
}

struct DbPaths {
  fs::path a, b, r;  // r: DB A with a random 1,000 rewritten
};

DbPaths DbPathsFor(const Options& o) {
  return {o.cache / "advisories-a.db",
          o.cache / ("advisories-b-seed" + std::to_string(o.seed) + ".db"),
          o.cache / ("advisories-r-seed" + std::to_string(o.seed) + ".db")};
}

json PhasePrepare(const Options& o) {
  fs::create_directories(o.cache);
  const DbPaths p = DbPathsFor(o);
  const fs::path stamp_file = o.cache / ("inputs-seed" + std::to_string(o.seed) + ".stamp");
  const std::string stamp = InputStamp(o);
  json notes = json::object();
  const fs::path notes_file = o.cache / ("delta-seed" + std::to_string(o.seed) + ".json");
  if (base::ReadFile(stamp_file).value_or("") == stamp && fs::exists(p.a) && fs::exists(p.b) &&
      fs::exists(p.r) && fs::exists(notes_file) &&
      json::parse(base::ReadFile(notes_file).value_or("{}"), nullptr, false).contains("random")) {
    notes = json::parse(base::ReadFile(notes_file).value_or("{}"), nullptr, false);
    notes["cached"] = true;
    return notes;
  }
  std::error_code ec;
  fs::remove(stamp_file, ec);
  fs::remove(p.b, ec);
  fs::remove(p.r, ec);
  fs::remove(p.a, ec);
  BuildDbA(o, p.a);
  BuildDbB(o, p.a, p.b, false, notes);
  json random = json::object();
  BuildDbB(o, p.a, p.r, true, random);
  notes["random"] = random;
  Check(base::WriteFileAtomic(notes_file, notes.dump()), "write " + notes_file.string());
  Check(base::WriteFileAtomic(stamp_file, stamp), "write " + stamp_file.string());
  notes["cached"] = false;
  return notes;
}

// ---- store phases ------------------------------------------------------------------------------

std::int64_t CountRows(const std::string& database, const std::string& sql) {
  auto c = Take(findings::sql::Open(database), "open " + database);
  std::int64_t n = 0;
  Check(c->Query(sql, {}, [&](const findings::sql::Row& r) {
    n = r.Int(0);
    return false;
  }),
        sql);
  return n;
}

std::unique_ptr<findings::Store> OpenStore(const Options& o) {
  return Take(findings::Store::Open(o.database), "open store " + o.database);
}

std::unique_ptr<advisories::AdvisoryDb> OpenDb(const fs::path& p) {
  return Take(advisories::AdvisoryDb::Open(p), "open " + p.string());
}

json StatsJson(const assess::EvalStats& s, double wall) {
  return {{"wall", wall},
          {"events", s.changes.events},
          {"rematched", s.packages_matched},
          {"created", s.changes.created},
          {"reopened", s.changes.reopened},
          {"updated", s.changes.updated},
          {"closed", s.changes.closed},
          {"advisories_changed", s.advisories_changed},
          {"keys_touched", s.keys_touched},
          {"warnings", s.warnings.size()}};
}

json PhasePut(const Options& o) {
  const Pools pools = LoadPools(o.data, o.conformance);
  const Fleet fleet{pools, o.seed, kAccount};
  auto db = OpenDb(DbPathsFor(o).a);
  const std::string build = Take(db->GetBuildInfo(), "build info").build_id;
  auto store = OpenStore(o);
  Take(store->CreateAccount({kAccount, "Fleet", "", ""}, kNowPut), "create account");
  const auto t0 = std::chrono::steady_clock::now();
  std::int64_t input_packages = 0;
  for (std::int64_t i = 0; i < o.resources; ++i) {
    FleetResource fr = fleet.Make(i);
    input_packages += static_cast<std::int64_t>(fr.inv.packages.size());
    Take(store->PutInventory(fr.input, fr.inv, build, kNowPut), "put " + fr.input.id);
    if ((i + 1) % 10000 == 0) {
      std::fprintf(stderr, "rematch:   put %" PRId64 " resources, %.0f s\n", i + 1, Seconds(t0));
    }
  }
  const double wall = Seconds(t0);
  store.reset();
  json r = {{"wall", wall},
            {"bases", pools.bases.size()},
            {"lockfiles", pools.lockfiles.size()},
            {"input_packages", input_packages}};
  r["packages"] = CountRows(o.database, "SELECT COUNT(*) FROM packages");
  r["links"] = CountRows(o.database, "SELECT COUNT(*) FROM resource_packages");
  return r;
}

json PhaseEvaluate(const Options& o) {
  const DbPaths p = DbPathsFor(o);
  auto db_a = OpenDb(p.a);
  auto db_b = OpenDb(p.b);
  auto store = OpenStore(o);
  const bool delta = o.phase == "delta-1000";
  if (o.phase == "delta-random") {
    // A to R timed, then R back to A (untimed) so that the next phases start from A.
    auto db_r = OpenDb(p.r);
    assess::Evaluator to_r(*store, *db_r);
    Check(to_r.Init(), "evaluator");
    const auto t0 = std::chrono::steady_clock::now();
    auto stats = Take(to_r.ApplyDbChange(*db_a, kNowDelta), "ApplyDbChange");
    json r = StatsJson(stats, Seconds(t0));
    assess::Evaluator back(*store, *db_a);
    Check(back.Init(), "evaluator");
    auto undo = Take(back.ApplyDbChange(*db_r, kNowDeltaBack), "ApplyDbChange back");
    r["back_wall"] = Seconds(t0) - r["wall"].get<double>();
    r["back_events"] = undo.changes.events;
    store.reset();
    return r;
  }
  assess::Evaluator ev(*store, delta ? *db_b : *db_a);
  Check(ev.Init(), "evaluator");
  const auto t0 = std::chrono::steady_clock::now();
  assess::EvalStats stats;
  if (delta) {
    stats = Take(ev.ApplyDbChange(*db_a, kNowDelta), "ApplyDbChange");
  } else {
    const char* now = o.phase == "setup-match"    ? kNowMatch
                      : o.phase == "full-rematch" ? kNowRematch
                                                  : kNowNoop;
    stats = Take(ev.RematchAll(now), "RematchAll");
  }
  json r = StatsJson(stats, Seconds(t0));
  store.reset();
  if (o.phase == "setup-match") {
    r["findings"] = CountRows(o.database, "SELECT COUNT(*) FROM findings");
  }
  return r;
}

json PhaseSubmit(const Options& o) {
  const Pools pools = LoadPools(o.data, o.conformance);
  const Fleet fleet{pools, o.seed, kAccount};
  auto db_a = OpenDb(DbPathsFor(o).a);
  auto store = OpenStore(o);
  assess::Evaluator ev(*store, *db_a);
  Check(ev.Init(), "evaluator");
  assess::EvalStats total;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::int64_t i = o.resources; i < o.resources + kSubmitResources; ++i) {
    FleetResource fr = fleet.Make(i);
    auto s = Take(ev.Submit(fr.input, fr.inv, kNowSubmit), "submit " + fr.input.id).stats;
    total.changes += s.changes;
    total.packages_matched += s.packages_matched;
  }
  return StatsJson(total, Seconds(t0));
}

// The fleet without a store: distinct packages (as the store interns them), links, and the
// findings its package lists give when matched alone against DB A (an estimate of the findings
// the store will hold: the moved versions change a few).
json PhaseFleet(const Options& o) {
  const Pools pools = LoadPools(o.data, o.conformance);
  auto db = OpenDb(DbPathsFor(o).a);
  auto findings_of = [&](const model::Inventory& inv) {
    match::MatchOptions mo;
    mo.resource_id = "pool";
    mo.observed_at = kNowPut;
    return static_cast<std::int64_t>(
        Take(match::MatchInventory(inv, *db, mo), "match package lists").findings.size());
  };
  std::vector<std::int64_t> base_findings, lockfile_findings;
  for (const auto& b : pools.bases) base_findings.push_back(findings_of(b.inv));
  for (const auto& l : pools.lockfiles) lockfile_findings.push_back(findings_of(l.inv));
  const Fleet fleet{pools, o.seed, kAccount};
  std::unordered_set<std::string> distinct;
  std::int64_t links = 0, findings = 0;
  std::string key;
  for (std::int64_t i = 0; i < o.resources; ++i) {
    FleetResource fr = fleet.Make(i);
    links += static_cast<std::int64_t>(fr.inv.packages.size());
    findings += base_findings[fr.base];
    for (size_t l : fr.lockfiles) findings += lockfile_findings[l];
    for (const model::Package& p : fr.inv.packages) {
      key.clear();
      for (const std::string* f : {&p.ecosystem, &p.name, &p.version, &p.source_name,
                                   &p.source_version}) {
        key += *f;
        key += '\x1f';
      }
      distinct.insert(key);
    }
  }
  json bases = json::object();
  for (size_t i = 0; i < pools.bases.size(); ++i) {
    bases[pools.bases[i].name] = {{"packages", pools.bases[i].inv.packages.size()},
                                  {"findings", base_findings[i]}};
  }
  return {{"packages", distinct.size()},
          {"links", links},
          {"findings", findings},
          {"bases", bases},
          {"lockfiles", pools.lockfiles.size()}};
}

int RunPhase(const Options& o) {
  json r;
  if (o.phase == "prepare") {
    r = PhasePrepare(o);
  } else if (o.phase == "fleet") {
    r = PhaseFleet(o);
  } else if (o.phase == "setup-put") {
    r = PhasePut(o);
  } else if (o.phase == "setup-match" || o.phase == "delta-random" || o.phase == "delta-1000" ||
             o.phase == "full-rematch" || o.phase == "rematch-noop") {
    r = PhaseEvaluate(o);
  } else if (o.phase == "submit-1000") {
    r = PhaseSubmit(o);
  } else {
    Die("unknown phase " + o.phase);
  }
  Check(base::WriteFileAtomic(o.result, r.dump()), "write " + o.result.string());
  return 0;
}

// ---- the parent --------------------------------------------------------------------------------

struct PhaseRun {
  json result;
  double peak_mb = 0;
};

PhaseRun Spawn(const Options& o, const std::string& phase, const std::string& database,
               const fs::path& work) {
  const fs::path result = work / (phase + ".json");
  std::error_code ec;
  fs::remove(result, ec);
  std::vector<std::string> argv = {SelfExe().string(),
                                   "--phase",       phase,
                                   "--resources",   std::to_string(o.resources),
                                   "--seed",        std::to_string(o.seed),
                                   "--cache",       o.cache.string(),
                                   "--data",        o.data.string(),
                                   "--conformance", o.conformance.string(),
                                   "--result",      result.string()};
  if (!database.empty()) {
    argv.push_back("--database");
    argv.push_back(database);
  }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) Die("fork: " + std::string(std::strerror(errno)));
  if (pid == 0) {
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  rusage ru{};
  while (::wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) Die("wait4: " + std::string(std::strerror(errno)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) Die("phase " + phase + " failed");
  PhaseRun run;
  run.result = json::parse(base::ReadFile(result).value_or("{}"), nullptr, false);
  run.peak_mb = static_cast<double>(ru.ru_maxrss) / 1024.0;
  return run;
}

struct Row {
  std::string backend;
  std::int64_t resources = 0, packages = -1, links = -1;
  std::string phase;
  double wall = 0;
  std::int64_t events = -1, rematched = -1;
  double peak_mb = 0;
};

std::string Num(std::int64_t v) { return v < 0 ? "-" : std::to_string(v); }

void PrintRow(const Row& r) {
  std::printf("%-9s %-10s %-10s %-10s %-14s %9.2f %10s %10s %8.1f\n", r.backend.c_str(),
              Num(r.resources).c_str(), Num(r.packages).c_str(), Num(r.links).c_str(),
              r.phase.c_str(), r.wall, Num(r.events).c_str(), Num(r.rematched).c_str(),
              r.peak_mb);
}

std::uint64_t DirBytes(const fs::path& dir) {
  std::uint64_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    struct stat st {};
    if (::lstat(e.path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      n += static_cast<std::uint64_t>(st.st_blocks) * 512;
    }
  }
  return n;
}

struct BackendReport {
  std::vector<Row> rows;
  std::vector<std::string> notes;
};

BackendReport RunBackend(const Options& o, const std::string& backend) {
  BackendReport rep;
  const fs::path work = o.cache / ("run-" + backend);
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work);
  std::optional<testing::PostgresServer> server;
  std::string database;
  if (backend == "sqlite") {
    database = (work / "store.db").string();
  } else {
    if (!testing::PostgresServer::Available()) {
      rep.notes.push_back("postgres: skipped: " + testing::PostgresServer::UnavailableReason());
      return rep;
    }
    server.emplace();
    auto started = server->Start();
    if (!started) Die(std::string("PostgreSQL: ") + started.message());
    if (!server->NewDatabase("rematch", &database)) Die("PostgreSQL: createdb rematch failed");
  }
  Row base;
  base.backend = backend;
  base.resources = o.resources;
  for (const char* phase :
       {"setup-put", "setup-match", "delta-random", "delta-1000", "full-rematch", "rematch-noop",
        "submit-1000"}) {
    std::fprintf(stderr, "rematch: %s %s ...\n", backend.c_str(), phase);
    PhaseRun run = Spawn(o, phase, database, work);
    const json& j = run.result;
    Row r = base;
    r.phase = phase;
    r.wall = j.value("wall", 0.0);
    r.events = j.value("events", std::int64_t{-1});
    r.rematched = j.value("rematched", std::int64_t{-1});
    r.peak_mb = run.peak_mb;
    if (r.phase == "setup-put") {
      base.packages = r.packages = j.value("packages", std::int64_t{-1});
      base.links = r.links = j.value("links", std::int64_t{-1});
      rep.notes.push_back(backend + " setup-put: " + std::to_string(j.value("bases", 0)) +
                          " OS bases, " + std::to_string(j.value("lockfiles", 0)) +
                          " lockfiles; " + std::to_string(j.value("input_packages", 0)) +
                          " packages submitted");
    } else {
      r.packages = r.links = -1;
      std::string what = backend + " " + phase + ": created " +
                         std::to_string(j.value("created", 0)) + ", reopened " +
                         std::to_string(j.value("reopened", 0)) + ", updated " +
                         std::to_string(j.value("updated", 0)) + ", closed " +
                         std::to_string(j.value("closed", 0));
      if (r.phase == "delta-1000" || r.phase == "delta-random") {
        what += "; advisories changed " + std::to_string(j.value("advisories_changed", 0)) +
                ", keys touched " + std::to_string(j.value("keys_touched", 0));
      }
      if (r.phase == "delta-random") {
        char back[128];
        std::snprintf(back, sizeof back, "; then back to DB A in %.2f s, %" PRId64 " events",
                      j.value("back_wall", 0.0), j.value("back_events", std::int64_t{0}));
        what += back;
      }
      if (j.contains("findings")) what += "; findings stored " + j["findings"].dump();
      rep.notes.push_back(what);
    }
    std::fprintf(stderr, "rematch: %s %s: %.2f s, %.1f MB\n", backend.c_str(), phase, r.wall,
                 r.peak_mb);
    rep.rows.push_back(r);
  }
  const std::uint64_t bytes = backend == "sqlite" ? DirBytes(work) : DirBytes(server->dir());
  char size[96];
  std::snprintf(size, sizeof size, "%s store on disk after the run: %.2f GB", backend.c_str(),
                static_cast<double>(bytes) / 1e9);
  rep.notes.push_back(size);
  if (server) server->Stop();
  fs::remove_all(work, ec);
  return rep;
}

int Main(int argc, char** argv) {
  Options o = ParseArgs(argc, argv);
  if (!o.phase.empty()) return RunPhase(o);
  if (!fs::is_directory(o.data / "osv-mirror")) {
    Die("no OSV mirror in " + o.data.string() + " (set ASSAY_SHARED_DATA_DIR or --data)");
  }
  fs::create_directories(o.cache);
  o.cache = fs::canonical(o.cache);
  std::fprintf(stderr, "rematch: advisory DBs in %s\n", o.cache.c_str());
  PhaseRun prep = Spawn(o, "prepare", "", o.cache);
  PhaseRun fleet = Spawn(o, "fleet", "", o.cache);
  const json& f = fleet.result;
  // Both backends run one after the other, each store removed after its run.
  const double scale = 1.0 + static_cast<double>(kSubmitResources) / o.resources;
  const double need = scale * (f.value("findings", 0.0) * kBytesPerFinding +
                               f.value("links", 0.0) * kBytesPerLink);
  struct statvfs vfs {};
  const double avail =
      ::statvfs(o.cache.c_str(), &vfs) == 0 ? static_cast<double>(vfs.f_bavail) * vfs.f_frsize : 0;
  std::fprintf(stderr,
               "rematch: fleet of %" PRId64 " resources: %s distinct packages, %s links, about %s "
               "findings; a store needs about %.1f GB, %.1f GB free\n",
               o.resources, f.value("packages", json(0)).dump().c_str(),
               f.value("links", json(0)).dump().c_str(), f.value("findings", json(0)).dump().c_str(),
               need / 1e9, avail / 1e9);
  if (need + 2e9 > avail && !o.force) {
    Die("not enough disk space for this fleet's store (keep 2 GB spare): run fewer --resources, "
        "or --force");
  }
  std::vector<BackendReport> reports;
  for (const char* b : {"sqlite", "postgres"}) {
    if (o.backend == "both" || o.backend == b) reports.push_back(RunBackend(o, b));
  }
  std::printf("%-9s %-10s %-10s %-10s %-14s %9s %10s %10s %8s\n", "backend", "resources",
              "packages", "links", "phase", "wall s", "events", "rematched", "peak MB");
  for (const auto& rep : reports) {
    for (const auto& r : rep.rows) PrintRow(r);
  }
  std::printf("\n");
  std::printf("fleet: %" PRId64 " resources from %zu OS bases and %s lockfiles: %s distinct "
              "packages, %s links, about %s findings (package lists matched alone)\n",
              o.resources, f.value("bases", json::object()).size(),
              f.value("lockfiles", json(0)).dump().c_str(),
              f.value("packages", json(0)).dump().c_str(), f.value("links", json(0)).dump().c_str(),
              f.value("findings", json(0)).dump().c_str());
  const json& d = prep.result;
  std::printf("delta: %s advisories rewritten (%s with findings on the fleet's package lists; "
              "%s of them name those packages); %s; DiffDbs %s\n",
              std::to_string(kDeltaAdvisories).c_str(),
              d.value("changed_with_findings", json(0)).dump().c_str(),
              d.value("advisories_naming_fleet_packages", json(0)).dump().c_str(),
              d.value("changes", json::object()).dump().c_str(),
              d.value("diff", json::object()).dump().c_str());
  const json& rd = d.value("random", json::object());
  std::printf("delta-random: %s advisories rewritten, drawn from all %s of DB A; %s; DiffDbs %s\n",
              std::to_string(kDeltaAdvisories).c_str(), rd.value("advisories", json(0)).dump().c_str(),
              rd.value("changes", json::object()).dump().c_str(),
              rd.value("diff", json::object()).dump().c_str());
  for (const auto& rep : reports) {
    for (const auto& n : rep.notes) std::printf("%s\n", n.c_str());
  }
  std::printf("targets at 100,000 resources: delta-1000 <= 5 s, full-rematch <= 60 s; %u cores; "
              "load average %s\n",
              static_cast<unsigned>(::sysconf(_SC_NPROCESSORS_ONLN)),
              base::ReadFile("/proc/loadavg").value_or("?").substr(0, 14).c_str());
  return 0;
}

}  // namespace
}  // namespace assay::bench

int main(int argc, char** argv) { return assay::bench::Main(argc, argv); }
