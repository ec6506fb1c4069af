// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "advisories/builder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>

#include <nlohmann/json.hpp>

#include "advisories/db.h"
#include "base/file.h"
#include "base/strings.h"

namespace assay::advisories {
namespace fs = std::filesystem;
using internal::Conn;
using internal::SqlQuote;
using internal::Stmt;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources(
  name TEXT PRIMARY KEY, url TEXT NOT NULL, fingerprint TEXT NOT NULL, etag TEXT NOT NULL,
  last_modified TEXT NOT NULL, record_count INTEGER NOT NULL, entry_count INTEGER NOT NULL,
  warning_count INTEGER NOT NULL, imported_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE advisories(
  pk INTEGER PRIMARY KEY, id TEXT NOT NULL, source TEXT NOT NULL, modified TEXT NOT NULL,
  published TEXT NOT NULL, withdrawn TEXT NOT NULL, summary TEXT NOT NULL,
  aliases TEXT NOT NULL, related TEXT NOT NULL, severity TEXT NOT NULL,
  database_specific TEXT NOT NULL, content_hash INTEGER NOT NULL, raw_block INTEGER NOT NULL,
  raw_offset INTEGER NOT NULL, raw_size INTEGER NOT NULL);
CREATE TABLE raw_blocks(block INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE aliases(alias TEXT NOT NULL, advisory INTEGER NOT NULL, kind INTEGER NOT NULL);
CREATE TABLE affected(advisory INTEGER NOT NULL, ecosystem TEXT NOT NULL,
  ecosystem_base TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, entry TEXT NOT NULL);
CREATE TABLE ecosystem_counts(source TEXT NOT NULL, ecosystem TEXT NOT NULL,
  records INTEGER NOT NULL, PRIMARY KEY(source, ecosystem)) WITHOUT ROWID;
CREATE TABLE kev(cve TEXT PRIMARY KEY, vendor TEXT NOT NULL, product TEXT NOT NULL,
  name TEXT NOT NULL, date_added TEXT NOT NULL, due_date TEXT NOT NULL,
  ransomware_use TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE nvd_cvss(cve TEXT PRIMARY KEY, v3_vector TEXT NOT NULL, v3_score REAL,
  v2_vector TEXT NOT NULL, v2_score REAL) WITHOUT ROWID;
)sql";

// Created after the bulk insert: building an index once from sorted data is several times
// cheaper than maintaining it row by row.
constexpr const char* kIndexes = R"sql(
CREATE UNIQUE INDEX advisories_id ON advisories(id, source);
CREATE INDEX advisories_withdrawn ON advisories(withdrawn) WHERE withdrawn <> '';
CREATE INDEX aliases_alias ON aliases(alias);
CREATE INDEX affected_key ON affected(ecosystem_base, name_key);
CREATE INDEX affected_advisory ON affected(advisory);
)sql";

// A path as a SQLite URI ("file:/a%20b/c.db?mode=ro"): percent-encode all but unreserved and '/'.
std::string FileUri(const fs::path& p, std::string_view query) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "file:";
  for (unsigned char c : fs::absolute(p).string()) {
    if (base::IsAlnum(static_cast<char>(c)) || c == '/' || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  out += '?';
  out += query;
  return out;
}

// Asks the kernel to start writing `path`'s dirty pages back without waiting (Linux); a hint
// only, errors are ignored.
void StartWriteback(const fs::path& path) {
#ifdef __linux__
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  ::close(fd);
#else
  (void)path;
#endif
}

std::string RandomHex128() {
  std::random_device rd;
  std::uniform_int_distribution<std::uint64_t> dist;
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(dist(rd)),
                static_cast<unsigned long long>(dist(rd)));
  return buf;
}

}  // namespace

// ---- lock and stale temporaries -------------------------------------------------------------

base::Result<UpdateLock> UpdateLock::Acquire(const fs::path& db_path) {
  fs::path lock_path = db_path;
  lock_path += ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return base::Status::IOError("open " + lock_path.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return base::Status::Unavailable("another `assay db update` is writing " +
                                       db_path.string() + " (lock " + lock_path.string() + ")");
    }
    return base::Status::IOError("flock " + lock_path.string() + ": " + std::strerror(err));
  }
  return UpdateLock(fd);
}

UpdateLock::~UpdateLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

std::size_t RemoveStaleTemps(const fs::path& db_path) {
  fs::path dir = db_path.parent_path();
  if (dir.empty()) dir = ".";
  const std::string tmp_prefix = db_path.filename().string() + ".tmp-";
  const std::string fetch_prefix = db_path.filename().string() + ".fetch-";
  std::vector<fs::path> stale;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind(tmp_prefix, 0) == 0 || name.rfind(fetch_prefix, 0) == 0) {
      stale.push_back(it->path());
    }
  }
  std::size_t removed = 0;
  for (const fs::path& p : stale) {
    std::error_code rm;
    if (fs::remove_all(p, rm) > 0 && !rm) ++removed;
  }
  return removed;
}

std::string NowRfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string EnrichmentFingerprint(const Enrichment& e) {
  std::vector<std::string> lines;
  lines.reserve(e.kev.size() + e.nvd.size() + 1);
  lines.push_back("kev-catalog\x1f" + e.kev_catalog_version);
  auto score = [](const std::optional<double>& d) {
    return d ? std::to_string(*d) : std::string("-");
  };
  for (const KevEntry& k : e.kev) {
    lines.push_back("kev\x1f" + k.cve + "\x1f" + k.vendor + "\x1f" + k.product + "\x1f" + k.name +
                    "\x1f" + k.date_added + "\x1f" + k.due_date + "\x1f" + k.ransomware_use);
  }
  for (const NvdCvss& n : e.nvd) {
    lines.push_back("nvd\x1f" + n.cve + "\x1f" + n.v3_vector + "\x1f" + score(n.v3_score) +
                    "\x1f" + n.v2_vector + "\x1f" + score(n.v2_score));
  }
  std::sort(lines.begin(), lines.end());
  std::string all;
  for (const std::string& l : lines) {
    all += l;
    all += '\n';
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "h64:%016llx",
                static_cast<unsigned long long>(ContentHash(all)));
  return buf;
}

// ---- DbBuilder ------------------------------------------------------------------------------

base::Result<std::unique_ptr<DbBuilder>> DbBuilder::Create(
    const fs::path& target, const std::optional<fs::path>& previous) {
  std::unique_ptr<DbBuilder> b(new DbBuilder());
  b->target_ = target;
  b->tmp_ = base::SiblingTempPath(target);
  b->build_time_ = NowRfc3339();
  base::Status s = b->Init(previous);
  if (!s.ok()) {
    b->Abandon();
    return s.WithContext("building " + target.string());
  }
  return b;
}

base::Status DbBuilder::Init(const std::optional<fs::path>& previous) {
  ASSAY_ASSIGN_OR_RETURN(conn_, Conn::Open(tmp_.string(), SQLITE_OPEN_READWRITE |
                                                              SQLITE_OPEN_CREATE |
                                                              SQLITE_OPEN_NOMUTEX));
  // The file is private until renamed into place after an fsync, so neither a journal nor
  // syncs are needed: a crash leaves a stray temporary, never a damaged DB.
  ASSAY_RETURN_IF_ERROR(conn_.Exec(
      "PRAGMA page_size=8192; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
      "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-32768;"
      "PRAGMA application_id=" + std::to_string(kDbApplicationId) + ";"
      "PRAGMA user_version=" + std::to_string(kSchemaVersion) + ";"));
  ASSAY_RETURN_IF_ERROR(conn_.Exec(kSchema));
  if (previous) {
    ASSAY_RETURN_IF_ERROR(conn_.Exec("ATTACH " + SqlQuote(FileUri(*previous, "mode=ro")) +
                                     " AS old"));
    has_previous_ = true;
  }
  ASSAY_RETURN_IF_ERROR(conn_.Exec("BEGIN"));
  ASSAY_ASSIGN_OR_RETURN(ins_advisory_,
                         conn_.Prepare("INSERT INTO main.advisories VALUES "
                                       "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)"));
  ASSAY_ASSIGN_OR_RETURN(ins_block_, conn_.Prepare("INSERT INTO main.raw_blocks VALUES(?1,?2)"));
  ASSAY_ASSIGN_OR_RETURN(ins_alias_, conn_.Prepare("INSERT INTO main.aliases VALUES(?1,?2,?3)"));
  ASSAY_ASSIGN_OR_RETURN(ins_affected_,
                         conn_.Prepare("INSERT INTO main.affected VALUES(?1,?2,?3,?4,?5,?6)"));
  return base::Status::Ok();
}

DbBuilder::~DbBuilder() {
  if (!finished_) Abandon();
}

void DbBuilder::Abandon() {
  finished_ = true;
  ins_advisory_ = Stmt();
  ins_block_ = Stmt();
  ins_alias_ = Stmt();
  ins_affected_ = Stmt();
  (void)conn_.Close();
  std::error_code ec;
  fs::remove(tmp_, ec);
}

base::Result<std::map<std::string, std::int64_t>> DbBuilder::CarryOverSources(
    const std::vector<SourceRow>& rows) {
  std::map<std::string, std::int64_t> counts;
  if (rows.empty()) return counts;
  if (!has_previous_) return base::Status::Internal("carry-over without a previous DB");
  if (imported_any_) {
    return base::Status::Internal("carry-over after an import: row ids would collide");
  }
  ASSAY_RETURN_IF_ERROR(conn_.Exec("CREATE TEMP TABLE carry(name TEXT PRIMARY KEY)"));
  {
    ASSAY_ASSIGN_OR_RETURN(Stmt check,
                           conn_.Prepare("SELECT record_count FROM old.sources WHERE name=?1"));
    ASSAY_ASSIGN_OR_RETURN(Stmt add, conn_.Prepare("INSERT OR IGNORE INTO temp.carry VALUES(?1)"));
    for (const SourceRow& row : rows) {
      check.Bind(1, row.name);
      ASSAY_ASSIGN_OR_RETURN(bool found, check.Step());
      if (!found) return base::Status::NotFound("previous DB has no source " + row.name);
      counts[row.name] = check.Int(0);
      check.Reset();
      add.Bind(1, row.name);
      ASSAY_RETURN_IF_ERROR(add.Run());
    }
  }
  // One pass per table for all carried sources (the link tables have no index by advisory, so a
  // pass per source would rescan them each time).
  ASSAY_RETURN_IF_ERROR(conn_.Exec(
      "INSERT INTO main.advisories SELECT * FROM old.advisories "
      "  WHERE source IN (SELECT name FROM temp.carry);"
      "INSERT INTO main.raw_blocks SELECT * FROM old.raw_blocks WHERE block IN "
      "  (SELECT raw_block FROM old.advisories WHERE source IN (SELECT name FROM temp.carry));"
      "INSERT INTO main.aliases SELECT l.* FROM old.aliases l "
      "  JOIN old.advisories a ON a.pk=l.advisory WHERE a.source IN (SELECT name FROM temp.carry);"
      "INSERT INTO main.affected SELECT f.* FROM old.affected f "
      "  JOIN old.advisories a ON a.pk=f.advisory WHERE a.source IN (SELECT name FROM temp.carry);"
      "INSERT INTO main.ecosystem_counts SELECT * FROM old.ecosystem_counts "
      "  WHERE source IN (SELECT name FROM temp.carry);"));
  ASSAY_ASSIGN_OR_RETURN(
      Stmt src, conn_.Prepare("INSERT INTO main.sources SELECT name, ?2, fingerprint, ?3, ?4, "
                              "record_count, entry_count, warning_count, imported_at "
                              "FROM old.sources WHERE name=?1"));
  for (const SourceRow& row : rows) {
    src.Bind(1, row.name);
    src.Bind(2, row.url);
    src.Bind(3, row.etag);
    src.Bind(4, row.last_modified);
    ASSAY_RETURN_IF_ERROR(src.Run().WithContext("carrying over " + row.name));
  }
  ASSAY_RETURN_IF_ERROR(conn_.Exec("DROP TABLE temp.carry"));
  ASSAY_ASSIGN_OR_RETURN(Stmt max,
                         conn_.Prepare("SELECT (SELECT COALESCE(MAX(pk),0)+1 FROM main.advisories),"
                                       " (SELECT COALESCE(MAX(block),0)+1 FROM main.raw_blocks)"));
  ASSAY_ASSIGN_OR_RETURN(bool has, max.Step());
  if (has) {
    next_pk_ = std::max(next_pk_, max.Int(0));
    next_block_ = std::max(next_block_, max.Int(1));
  }
  return counts;
}

base::Status DbBuilder::BeginZip(std::size_t zip_index, const ZipInput& zip) {
  if (zip_index >= zip_sources_.size()) zip_sources_.resize(zip_index + 1);
  if (zip_sources_[zip_index].name.empty()) zip_sources_[zip_index].name = zip.source;
  zip_ecosystem_counts_.clear();
  return base::Status::Ok();
}

base::Status DbBuilder::AddRawBlock(std::size_t /*zip_index*/, std::string_view zstd_frame) {
  imported_any_ = true;
  block_ = next_block_++;
  ins_block_.Bind(1, block_);
  ins_block_.BindBlob(2, zstd_frame);
  return ins_block_.Run();
}

base::Status DbBuilder::Add(std::size_t zip_index, NormalizedRecord&& r) {
  const std::string& source = zip_sources_[zip_index].name;
  if (block_ == 0) return base::Status::Internal("record before its raw block");
  std::int64_t pk = next_pk_++;
  ins_advisory_.Bind(1, pk);
  ins_advisory_.Bind(2, r.id);
  ins_advisory_.Bind(3, source);
  ins_advisory_.Bind(4, r.modified);
  ins_advisory_.Bind(5, r.published);
  ins_advisory_.Bind(6, r.withdrawn);
  ins_advisory_.Bind(7, r.summary);
  ins_advisory_.Bind(8, r.aliases_json);
  ins_advisory_.Bind(9, r.related_json);
  ins_advisory_.Bind(10, r.severity_json);
  ins_advisory_.Bind(11, r.database_specific);
  ins_advisory_.Bind(12, static_cast<std::int64_t>(r.content_hash));
  ins_advisory_.Bind(13, block_);
  ins_advisory_.Bind(14, static_cast<std::int64_t>(r.raw_offset));
  ins_advisory_.Bind(15, static_cast<std::int64_t>(r.raw_size));
  ASSAY_RETURN_IF_ERROR(ins_advisory_.Run());

  for (int kind = 0; kind < 2; ++kind) {
    for (const std::string& alias : kind == 0 ? r.aliases : r.related) {
      ins_alias_.Bind(1, alias);
      ins_alias_.Bind(2, pk);
      ins_alias_.Bind(3, std::int64_t{kind});
      ASSAY_RETURN_IF_ERROR(ins_alias_.Run());
    }
  }
  for (const NormalizedAffected& a : r.affected) {
    ins_affected_.Bind(1, pk);
    ins_affected_.Bind(2, a.ecosystem);
    ins_affected_.Bind(3, a.ecosystem_base);
    ins_affected_.Bind(4, a.name);
    ins_affected_.Bind(5, a.name_key);
    ins_affected_.Bind(6, a.entry_json);
    ASSAY_RETURN_IF_ERROR(ins_affected_.Run());
  }
  for (const std::string& e : r.ecosystems) ++zip_ecosystem_counts_[e];
  return base::Status::Ok();
}

base::Status DbBuilder::EndZip(std::size_t zip_index, const ImportReport& report) {
  const SourceRow& row = zip_sources_[zip_index];
  ASSAY_ASSIGN_OR_RETURN(Stmt src, conn_.Prepare("INSERT INTO main.sources VALUES "
                                                 "(?1,?2,?3,?4,?5,?6,?7,?8,?9)"));
  src.Bind(1, row.name);
  src.Bind(2, row.url);
  src.Bind(3, row.fingerprint);
  src.Bind(4, row.etag);
  src.Bind(5, row.last_modified);
  src.Bind(6, static_cast<std::int64_t>(report.imported));
  src.Bind(7, static_cast<std::int64_t>(report.entries));
  src.Bind(8, static_cast<std::int64_t>(report.warnings.size()));
  src.Bind(9, build_time_);
  ASSAY_RETURN_IF_ERROR(src.Run().WithContext("source " + row.name));

  ASSAY_ASSIGN_OR_RETURN(Stmt eco,
                         conn_.Prepare("INSERT INTO main.ecosystem_counts VALUES(?1,?2,?3)"));
  for (const auto& [ecosystem, n] : zip_ecosystem_counts_) {
    eco.Bind(1, row.name);
    eco.Bind(2, ecosystem);
    eco.Bind(3, n);
    ASSAY_RETURN_IF_ERROR(eco.Run());
  }
  zip_ecosystem_counts_.clear();
  return base::Status::Ok();
}

base::Status DbBuilder::SetEnrichment(const Enrichment& e, const std::string& fingerprint) {
  ASSAY_ASSIGN_OR_RETURN(Stmt kev, conn_.Prepare("INSERT OR REPLACE INTO main.kev VALUES "
                                                 "(?1,?2,?3,?4,?5,?6,?7)"));
  for (const KevEntry& k : e.kev) {
    if (k.cve.empty()) continue;
    kev.Bind(1, k.cve);
    kev.Bind(2, k.vendor);
    kev.Bind(3, k.product);
    kev.Bind(4, k.name);
    kev.Bind(5, k.date_added);
    kev.Bind(6, k.due_date);
    kev.Bind(7, k.ransomware_use);
    ASSAY_RETURN_IF_ERROR(kev.Run());
  }
  ASSAY_ASSIGN_OR_RETURN(Stmt nvd, conn_.Prepare("INSERT OR REPLACE INTO main.nvd_cvss VALUES "
                                                 "(?1,?2,?3,?4,?5)"));
  for (const NvdCvss& n : e.nvd) {
    if (n.cve.empty()) continue;
    nvd.Bind(1, n.cve);
    nvd.Bind(2, n.v3_vector);
    if (n.v3_score) {
      nvd.Bind(3, *n.v3_score);
    } else {
      nvd.BindNull(3);
    }
    nvd.Bind(4, n.v2_vector);
    if (n.v2_score) {
      nvd.Bind(5, *n.v2_score);
    } else {
      nvd.BindNull(5);
    }
    ASSAY_RETURN_IF_ERROR(nvd.Run());
  }
  meta_["enrichment_fingerprint"] = fingerprint;
  meta_["kev_catalog_version"] = e.kev_catalog_version;
  meta_["enrichment_sources"] = nlohmann::json(e.sources).dump();
  meta_["enrichment_loaded_at"] = build_time_;
  return base::Status::Ok();
}

base::Status DbBuilder::CarryOverEnrichment() {
  if (!has_previous_) return base::Status::Ok();
  ASSAY_RETURN_IF_ERROR(conn_.Exec("INSERT INTO main.kev SELECT * FROM old.kev;"
                                   "INSERT INTO main.nvd_cvss SELECT * FROM old.nvd_cvss;"));
  ASSAY_ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("SELECT key, value FROM old.meta WHERE key IN "
                                                "('enrichment_fingerprint','kev_catalog_version',"
                                                "'enrichment_sources','enrichment_loaded_at')"));
  while (true) {
    ASSAY_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    meta_[std::string(st.Text(0))] = std::string(st.Text(1));
  }
  return base::Status::Ok();
}

base::Result<std::string> DbBuilder::Commit() {
  if (finished_) return base::Status::Internal("DbBuilder::Commit after the build finished");
  std::string build_id = RandomHex128();
  auto fail = [&](const base::Status& s) {
    Abandon();
    return s.WithContext("committing " + target_.string());
  };
  meta_["schema_version"] = std::to_string(kSchemaVersion);
  meta_["build_id"] = build_id;
  meta_["build_time"] = build_time_;
  meta_["assay_version"] = std::string(kAssayVersion);
  // Start writing the imported pages back now, so the fsync of CommitAtomic finds little left to
  // do once the indexes are built.
  StartWriteback(tmp_);
  base::Status s = conn_.Exec(kIndexes);
  if (!s.ok()) return fail(s);
  {
    auto st = conn_.Prepare("INSERT OR REPLACE INTO main.meta VALUES(?1,?2)");
    if (!st.ok()) return fail(st.status());
    for (const auto& [k, v] : meta_) {
      st->Bind(1, k);
      st->Bind(2, v);
      s = st->Run();
      if (!s.ok()) return fail(s);
    }
  }
  ins_advisory_ = Stmt();
  ins_block_ = Stmt();
  ins_alias_ = Stmt();
  ins_affected_ = Stmt();
  s = conn_.Exec("COMMIT");
  if (!s.ok()) return fail(s);
  if (has_previous_) {
    s = conn_.Exec("DETACH old");
    if (!s.ok()) return fail(s);
  }
  s = conn_.Close();
  if (!s.ok()) return fail(s);
  s = base::CommitAtomic(tmp_, target_);
  if (!s.ok()) return fail(s);
  finished_ = true;
  return build_id;
}

}  // namespace assay::advisories
