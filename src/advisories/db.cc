// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "advisories/db.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>

#include "advisories/import.h"
#include "advisories/internal/sqlite.h"
#include "model/ecosystem.h"

namespace assay::advisories {
namespace fs = std::filesystem;
using internal::Conn;
using internal::Stmt;

namespace {

std::vector<std::string> StringArray(std::string_view json) {
  std::vector<std::string> out;
  if (json.empty()) return out;
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

std::vector<model::OsvSeverity> SeverityArray(std::string_view json) {
  std::vector<model::OsvSeverity> out;
  if (json.empty()) return out;
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (!e.is_object()) continue;
    model::OsvSeverity s;
    if (auto t = e.find("type"); t != e.end() && t->is_string()) s.type = t->get<std::string>();
    if (auto v = e.find("score"); v != e.end() && v->is_string()) s.score = v->get<std::string>();
    out.push_back(std::move(s));
  }
  return out;
}

bool IsCve(std::string_view id) { return id.size() > 4 && id.substr(0, 4) == "CVE-"; }

// Resets a statement when the scope ends, whatever path leaves it.
class ResetAtExit {
 public:
  explicit ResetAtExit(Stmt* st) : st_(st) {}
  ResetAtExit(const ResetAtExit&) = delete;
  ResetAtExit& operator=(const ResetAtExit&) = delete;
  ~ResetAtExit() { st_->Reset(); }

 private:
  Stmt* st_;
};

}  // namespace

struct AdvisoryDb::Impl {
  Conn conn;
  Stmt lookup_exact;
  Stmt lookup_base;
  RawCodec codec;

  // The statements a scan runs once per advisory or CVE, prepared on first use and reset after
  // each run (preparing one costs more than running it).
  std::optional<Stmt> get_pks;
  std::optional<Stmt> get_raw_ref;
  std::optional<Stmt> get_block;
  std::optional<Stmt> kev;
  std::optional<Stmt> nvd;

  // The raw blocks decompressed last, most recent first: the advisories a scan fetches often
  // share blocks (~32 records each), and a block is ~100 KB to decompress.
  static constexpr size_t kCachedBlocks = 8;
  std::vector<std::pair<std::int64_t, std::string>> blocks;

  // `st`, prepared from `sql` the first time.
  base::Result<Stmt*> Cached(std::optional<Stmt>& st, std::string_view sql) {
    if (!st) {
      ASSAY_ASSIGN_OR_RETURN(Stmt prepared, conn.Prepare(sql));
      st.emplace(std::move(prepared));
    }
    return &*st;
  }

  base::Result<std::optional<KevEntry>> QueryKev(std::string_view cve) {
    ASSAY_ASSIGN_OR_RETURN(Stmt * st,
                           Cached(kev,
                                  "SELECT cve, vendor, product, name, date_added, due_date, "
                                  "ransomware_use FROM kev WHERE cve = ?1"));
    ResetAtExit reset(st);
    st->Bind(1, cve);
    ASSAY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return std::optional<KevEntry>();
    return std::optional<KevEntry>(KevEntry{std::string(st->Text(0)), std::string(st->Text(1)),
                                            std::string(st->Text(2)), std::string(st->Text(3)),
                                            std::string(st->Text(4)), std::string(st->Text(5)),
                                            std::string(st->Text(6))});
  }

  base::Result<std::optional<NvdCvss>> QueryNvd(std::string_view cve) {
    ASSAY_ASSIGN_OR_RETURN(Stmt * st, Cached(nvd,
                                             "SELECT cve, v3_vector, v3_score, v2_vector, "
                                             "v2_score FROM nvd_cvss WHERE cve = ?1"));
    ResetAtExit reset(st);
    st->Bind(1, cve);
    ASSAY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return std::optional<NvdCvss>();
    NvdCvss c;
    c.cve = st->Text(0);
    c.v3_vector = st->Text(1);
    if (!st->IsNull(2)) c.v3_score = st->Double(2);
    c.v2_vector = st->Text(3);
    if (!st->IsNull(4)) c.v2_score = st->Double(4);
    return std::optional<NvdCvss>(std::move(c));
  }

  // The decompressed raw block `block` (holding the record `id`), from the cache or the DB.
  base::Result<const std::string*> RawBlock(std::int64_t block, std::string_view id) {
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (blocks[i].first != block) continue;
      std::rotate(blocks.begin(), blocks.begin() + static_cast<std::ptrdiff_t>(i),
                  blocks.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      return &blocks.front().second;
    }
    ASSAY_ASSIGN_OR_RETURN(Stmt * st,
                           Cached(get_block, "SELECT data FROM raw_blocks WHERE block = ?1"));
    ResetAtExit reset(st);
    st->Bind(1, block);
    ASSAY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return base::Status::Corruption(std::string(id) + ": raw record missing");
    ASSAY_ASSIGN_OR_RETURN(std::string data, codec.Decompress(st->Blob(0)));
    if (blocks.size() == kCachedBlocks) blocks.pop_back();
    blocks.insert(blocks.begin(), {block, std::move(data)});
    return &blocks.front().second;
  }
};

base::Result<std::optional<KevEntry>> AdvisoryDb::Kev(std::string_view cve) const {
  std::lock_guard<std::mutex> lock(mu_);
  return impl_->QueryKev(cve);
}

base::Result<std::optional<NvdCvss>> AdvisoryDb::Nvd(std::string_view cve) const {
  std::lock_guard<std::mutex> lock(mu_);
  return impl_->QueryNvd(cve);
}

base::Result<fs::path> DefaultDbPath(bool create_dir) {
  fs::path p;
  if (const char* env = std::getenv("ASSAY_DB"); env && *env) {
    p = env;
  } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    p = fs::path(xdg) / "assay" / "advisories.db";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    p = fs::path(home) / ".cache" / "assay" / "advisories.db";
  } else {
    return base::Status::InvalidArgument(
        "no advisory DB path: set ASSAY_DB, XDG_CACHE_HOME or HOME, or pass --db");
  }
  if (create_dir && p.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec) {
      return base::Status::IOError("create " + p.parent_path().string() + ": " + ec.message());
    }
  }
  return p;
}

AdvisoryDb::AdvisoryDb(fs::path path, std::unique_ptr<Impl> impl)
    : path_(std::move(path)), impl_(std::move(impl)) {}

AdvisoryDb::~AdvisoryDb() = default;

base::Result<std::unique_ptr<AdvisoryDb>> AdvisoryDb::Open(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return base::Status::NotFound("no advisory DB at " + path.string() +
                                  " (run `assay db update` first)");
  }
  auto impl = std::make_unique<Impl>();
  ASSAY_ASSIGN_OR_RETURN(impl->conn,
                         Conn::Open(path.string(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX));
  auto fail = [&](const base::Status& s) { return s.WithContext(path.string()); };
  {
    auto st = impl->conn.Prepare("PRAGMA application_id");
    if (!st.ok()) return fail(st.status());
    auto row = st->Step();
    if (!row.ok()) return fail(row.status());
    if (!*row || st->Int(0) != kDbApplicationId) {
      return fail(base::Status::Corruption("not an assay advisory DB"));
    }
  }
  {
    auto st = impl->conn.Prepare("SELECT value FROM meta WHERE key='schema_version'");
    if (!st.ok()) return fail(st.status());
    auto row = st->Step();
    if (!row.ok()) return fail(row.status());
    if (!*row) return fail(base::Status::Corruption("advisory DB without a schema version"));
    int v = std::atoi(std::string(st->Text(0)).c_str());
    if (v != kSchemaVersion) {
      return fail(base::Status::NotSupported(
          "advisory DB schema version " + std::to_string(v) + ", this assay reads version " +
          std::to_string(kSchemaVersion) + " (run `assay db update` to rebuild it)"));
    }
  }
  static constexpr std::string_view kLookup =
      "SELECT a.id, a.source, f.ecosystem, f.name, a.modified, a.withdrawn, a.aliases, "
      "a.related, a.severity, a.database_specific, f.entry "
      "FROM affected f JOIN advisories a ON a.pk = f.advisory "
      "WHERE f.ecosystem_base = ?1 AND f.name_key = ?2";
  auto exact = impl->conn.Prepare(std::string(kLookup) +
                                  " AND f.ecosystem = ?3 ORDER BY a.id, a.source, f.rowid");
  if (!exact.ok()) return fail(exact.status());
  impl->lookup_exact = std::move(*exact);
  auto by_base = impl->conn.Prepare(std::string(kLookup) + " ORDER BY a.id, a.source, f.rowid");
  if (!by_base.ok()) return fail(by_base.status());
  impl->lookup_base = std::move(*by_base);
  // One read transaction for the life of the handle: every query sees the same snapshot, and
  // SQLite takes its shared lock (and checks for a hot journal) once instead of per query, which
  // was a third of a scan's system calls. Updates never write into a DB file in use: they build
  // a new file and rename it over this one, so holding the lock blocks nobody.
  if (base::Status s = impl->conn.Exec("BEGIN"); !s.ok()) return fail(s);
  return std::unique_ptr<AdvisoryDb>(new AdvisoryDb(path, std::move(impl)));
}

base::Result<std::vector<AffectedEntry>> AdvisoryDb::Lookup(std::string_view ecosystem,
                                                            std::string_view name,
                                                            LookupScope scope) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string base(model::SplitEcosystem(ecosystem).base);
  std::string key = PackageNameKey(base, name);
  Stmt& st = scope == LookupScope::kExact ? impl_->lookup_exact : impl_->lookup_base;
  st.Reset();
  st.Bind(1, base);
  st.Bind(2, key);
  if (scope == LookupScope::kExact) st.Bind(3, ecosystem);
  std::vector<AffectedEntry> out;
  while (true) {
    auto row = st.Step();
    if (!row.ok()) {
      st.Reset();
      return row.status();
    }
    if (!*row) break;
    AffectedEntry e;
    e.advisory_id = st.Text(0);
    e.source = st.Text(1);
    e.ecosystem = st.Text(2);
    e.name = st.Text(3);
    e.modified = st.Text(4);
    e.withdrawn = st.Text(5);
    e.aliases = StringArray(st.Text(6));
    e.related = StringArray(st.Text(7));
    e.severity = SeverityArray(st.Text(8));
    e.database_specific = st.Text(9);
    auto affected = DecodeAffected(st.Text(10));
    if (!affected.ok()) {
      st.Reset();
      return affected.status().WithContext(e.advisory_id);
    }
    e.affected = std::move(*affected);
    out.push_back(std::move(e));
  }
  st.Reset();
  return out;
}

base::Result<std::vector<std::string>> AdvisoryDb::IdsWithAlias(std::string_view alias) const {
  std::lock_guard<std::mutex> lock(mu_);
  ASSAY_ASSIGN_OR_RETURN(
      Stmt st, impl_->conn.Prepare("SELECT DISTINCT a.id FROM aliases l JOIN advisories a "
                                   "ON a.pk = l.advisory WHERE l.alias = ?1 AND l.kind = 0 "
                                   "ORDER BY a.id"));
  st.Bind(1, alias);
  std::vector<std::string> out;
  while (true) {
    ASSAY_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.emplace_back(st.Text(0));
  }
  return out;
}

base::Result<std::vector<std::string>> AdvisoryDb::IdsRelatedTo(std::string_view id) const {
  std::lock_guard<std::mutex> lock(mu_);
  ASSAY_ASSIGN_OR_RETURN(
      Stmt st, impl_->conn.Prepare("SELECT DISTINCT a.id FROM aliases l JOIN advisories a "
                                   "ON a.pk = l.advisory WHERE l.alias = ?1 AND l.kind = 1 "
                                   "ORDER BY a.id"));
  st.Bind(1, id);
  std::vector<std::string> out;
  while (true) {
    ASSAY_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.emplace_back(st.Text(0));
  }
  return out;
}

base::Result<std::vector<AdvisoryDb::AffectedKey>> AdvisoryDb::AffectedKeys(
    std::span<const std::string> ids) const {
  std::lock_guard<std::mutex> lock(mu_);
  // The ids' advisories, then their affected rows by the affected_advisory index; a build made
  // before that index existed is read in one pass over `affected` instead (the planner's
  // choice: either way never a pass per id).
  nlohmann::json list = nlohmann::json::array();
  for (const std::string& id : ids) list.push_back(id);
  const std::string text = list.dump();  // bound without a copy: outlives the statement
  ASSAY_ASSIGN_OR_RETURN(
      Stmt st, impl_->conn.Prepare("SELECT DISTINCT f.ecosystem_base, f.name_key FROM advisories a "
                                   "JOIN affected f ON f.advisory = a.pk WHERE a.id IN (SELECT "
                                   "value FROM json_each(?1))"));
  st.Bind(1, text);
  std::vector<AffectedKey> out;
  while (true) {
    ASSAY_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({std::string(st.Text(0)), std::string(st.Text(1))});
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

base::Result<StoredAdvisory> AdvisoryDb::Get(std::string_view id_or_alias) const {
  StoredAdvisory out;
  std::string id(id_or_alias);
  std::int64_t pk = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ASSAY_ASSIGN_OR_RETURN(Stmt * st,
                           impl_->Cached(impl_->get_pks,
                                         "SELECT pk, source FROM advisories WHERE id = ?1 "
                                         "ORDER BY modified DESC, source"));
    ResetAtExit reset(st);
    st->Bind(1, id);
    while (true) {
      ASSAY_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      if (pk == 0) {
        pk = st->Int(0);
        out.source = st->Text(1);
      }
      out.sources.emplace_back(st->Text(1));
    }
  }
  if (pk == 0) {
    ASSAY_ASSIGN_OR_RETURN(std::vector<std::string> ids, IdsWithAlias(id_or_alias));
    if (ids.empty()) {
      // Distribution advisories (DSA, USN, ...) name CVEs as `related`, not as aliases: say so
      // rather than pick one of them.
      ASSAY_ASSIGN_OR_RETURN(std::vector<std::string> related, IdsRelatedTo(id_or_alias));
      if (!related.empty()) {
        std::string list;
        for (size_t k = 0; k < related.size() && k < 20; ++k) {
          list += (k ? ", " : "") + related[k];
        }
        if (related.size() > 20) list += ", ...";
        return base::Status::NotFound("no advisory with id or alias " + id + "; " +
                                      std::to_string(related.size()) +
                                      " advisories name it as related: " + list);
      }
      return base::Status::NotFound("no advisory with id or alias " + id);
    }
    if (ids.size() > 1) {
      std::string list;
      for (const auto& i : ids) list += (list.empty() ? "" : ", ") + i;
      return base::Status::InvalidArgument(id + " is an alias of " + std::to_string(ids.size()) +
                                           " advisories: " + list + "; ask for one of them");
    }
    ASSAY_ASSIGN_OR_RETURN(StoredAdvisory resolved, Get(ids.front()));
    resolved.resolved_alias = id;
    return resolved;
  }
  std::lock_guard<std::mutex> lock(mu_);
  {
    ASSAY_ASSIGN_OR_RETURN(Stmt * st,
                           impl_->Cached(impl_->get_raw_ref,
                                         "SELECT raw_block, raw_offset, raw_size FROM advisories "
                                         "WHERE pk = ?1"));
    ResetAtExit reset(st);
    st->Bind(1, pk);
    ASSAY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return base::Status::Corruption(id + ": raw record missing");
    const std::int64_t block_id = st->Int(0);
    auto offset = static_cast<std::uint64_t>(st->Int(1));
    auto size = static_cast<std::uint64_t>(st->Int(2));
    ASSAY_ASSIGN_OR_RETURN(const std::string* block, impl_->RawBlock(block_id, id));
    if (offset > block->size() || size > block->size() - offset) {
      return base::Status::Corruption(id + ": raw record outside its block");
    }
    out.raw_json = block->substr(offset, size);
  }
  auto parsed = model::ParseOsv(out.raw_json);
  if (!parsed.ok()) return parsed.status().WithContext("stored record " + id);
  out.advisory = std::move(*parsed);

  std::unordered_set<std::string> seen;
  auto add_cve = [&](const std::string& c) {
    if (IsCve(c) && seen.insert(c).second) out.cves.push_back(c);
  };
  add_cve(out.advisory.id);
  for (const auto& a : out.advisory.aliases) add_cve(a);
  for (const auto& r : out.advisory.related) add_cve(r);
  for (const std::string& cve : out.cves) {
    ASSAY_ASSIGN_OR_RETURN(std::optional<KevEntry> k, impl_->QueryKev(cve));
    if (k) out.kev.push_back(std::move(*k));
    ASSAY_ASSIGN_OR_RETURN(std::optional<NvdCvss> n, impl_->QueryNvd(cve));
    if (n) out.nvd.push_back(std::move(*n));
  }
  return out;
}

base::Result<AdvisoryDb::BuildInfo> AdvisoryDb::GetBuildInfo() const {
  std::lock_guard<std::mutex> lock(mu_);
  ASSAY_ASSIGN_OR_RETURN(Stmt st, impl_->conn.Prepare("SELECT key, value FROM meta WHERE key IN "
                                                      "('build_id', 'build_time')"));
  BuildInfo info;
  while (true) {
    ASSAY_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    (st.Text(0) == "build_id" ? info.build_id : info.build_time) = std::string(st.Text(1));
  }
  return info;
}

base::Result<DbStatus> AdvisoryDb::GetStatus() const {
  std::lock_guard<std::mutex> lock(mu_);
  DbStatus s;
  std::error_code ec;
  s.path = fs::absolute(path_, ec);
  if (ec) s.path = path_;
  std::map<std::string, std::string> meta;
  {
    ASSAY_ASSIGN_OR_RETURN(Stmt st, impl_->conn.Prepare("SELECT key, value FROM meta"));
    while (true) {
      ASSAY_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      meta[std::string(st.Text(0))] = std::string(st.Text(1));
    }
  }
  s.schema_version = std::atoi(meta["schema_version"].c_str());
  s.build_id = meta["build_id"];
  s.build_time = meta["build_time"];
  s.assay_version = meta["assay_version"];
  s.enrichment.fingerprint = meta["enrichment_fingerprint"];
  s.enrichment.kev_catalog_version = meta["kev_catalog_version"];
  s.enrichment.sources = StringArray(meta["enrichment_sources"]);
  s.enrichment.loaded_at = meta["enrichment_loaded_at"];
  {
    ASSAY_ASSIGN_OR_RETURN(
        Stmt st, impl_->conn.Prepare("SELECT name, url, fingerprint, etag, last_modified, "
                                     "record_count, entry_count, warning_count, imported_at "
                                     "FROM sources ORDER BY name"));
    while (true) {
      ASSAY_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      SourceStatus src;
      src.name = st.Text(0);
      src.url = st.Text(1);
      src.fingerprint = st.Text(2);
      src.etag = st.Text(3);
      src.last_modified = st.Text(4);
      src.record_count = st.Int(5);
      src.entry_count = st.Int(6);
      src.warning_count = st.Int(7);
      src.imported_at = st.Text(8);
      s.sources.push_back(std::move(src));
    }
  }
  {
    ASSAY_ASSIGN_OR_RETURN(Stmt st, impl_->conn.Prepare("SELECT ecosystem, SUM(records) FROM "
                                                        "ecosystem_counts GROUP BY ecosystem "
                                                        "ORDER BY ecosystem"));
    while (true) {
      ASSAY_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      s.ecosystems.emplace_back(std::string(st.Text(0)), st.Int(1));
    }
  }
  auto count = [&](const char* sql) -> base::Result<std::int64_t> {
    ASSAY_ASSIGN_OR_RETURN(Stmt st, impl_->conn.Prepare(sql));
    ASSAY_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? st.Int(0) : 0;
  };
  ASSAY_ASSIGN_OR_RETURN(s.total_records, count("SELECT COUNT(*) FROM advisories"));
  ASSAY_ASSIGN_OR_RETURN(s.enrichment.kev_entries, count("SELECT COUNT(*) FROM kev"));
  ASSAY_ASSIGN_OR_RETURN(s.enrichment.nvd_entries, count("SELECT COUNT(*) FROM nvd_cvss"));
  return s;
}

base::Result<std::vector<AdvisoryDb::IdState>> AdvisoryDb::IdStates() const {
  std::lock_guard<std::mutex> lock(mu_);
  ASSAY_ASSIGN_OR_RETURN(Stmt st, impl_->conn.Prepare("SELECT id, content_hash, withdrawn "
                                                      "FROM advisories ORDER BY id, source"));
  std::vector<IdState> out;
  while (true) {
    ASSAY_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string_view id = st.Text(0);
    auto hash = static_cast<std::uint64_t>(st.Int(1));
    bool withdrawn = !st.Text(2).empty();
    if (!out.empty() && out.back().id == id) {
      // Another feed's copy of the same id: the id changed if any copy changed, and counts as
      // withdrawn only when every copy is.
      IdState& prev = out.back();
      prev.hash = (prev.hash ^ hash) * 0x9E3779B97F4A7C15ULL + (prev.hash >> 7);
      prev.withdrawn = prev.withdrawn && withdrawn;
      continue;
    }
    out.push_back({std::string(id), hash, withdrawn});
  }
  return out;
}

base::Result<DbDiff> DiffDbs(const AdvisoryDb& old_db, const AdvisoryDb& new_db) {
  ASSAY_ASSIGN_OR_RETURN(auto olds, old_db.IdStates());
  ASSAY_ASSIGN_OR_RETURN(auto news, new_db.IdStates());
  DbDiff d;
  size_t i = 0;
  size_t j = 0;
  while (i < olds.size() || j < news.size()) {
    if (j == news.size() || (i < olds.size() && olds[i].id < news[j].id)) {
      d.removed.push_back(olds[i++].id);
      continue;
    }
    if (i == olds.size() || news[j].id < olds[i].id) {
      (news[j].withdrawn ? d.withdrawn : d.added).push_back(news[j].id);
      ++j;
      continue;
    }
    const auto& o = olds[i++];
    const auto& n = news[j++];
    if (n.withdrawn && !o.withdrawn) {
      d.withdrawn.push_back(n.id);
    } else if (n.hash != o.hash) {
      d.changed.push_back(n.id);
    }
  }
  return d;
}

}  // namespace assay::advisories
