// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// rpmdb.sqlite, read through SQLite itself from memory: the bytes are copied into an SQLite
// allocation and handed to sqlite3_deserialize() on a private ":memory:" connection, read-only,
// so no file is opened, created or locked, and the scanned database is never touched.
//
// The database is hostile input, so the connection is hardened before the first query:
// defensive mode, untrusted schema, no triggers or views, in-memory temp store, and a progress
// budget so a crafted file cannot keep a query running. Packages must be a real table.
#include <sqlite3.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "inventory/rpm.h"

namespace assay::inventory {
namespace {

using base::Status;

constexpr std::string_view kSqliteMagic{"SQLite format 3\0", 16};
constexpr size_t kSqliteHeaderSize = 100;
// Progress callbacks (every 1000 virtual machine steps) before a query is abandoned: a billion
// steps, orders of magnitude above reading the largest real rpmdb.
constexpr int kProgressPeriod = 1000;
constexpr long kProgressBudget = 1000000;

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

int OnProgress(void* arg) {
  long* left = static_cast<long*>(arg);
  return --*left < 0 ? 1 : 0;  // non-zero interrupts the statement
}

std::string SqliteError(sqlite3* db, std::string_view what) {
  return std::string(what) + ": " + sqlite3_errmsg(db);
}

Status Prepare(sqlite3* db, const char* sql, Stmt* out) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  out->reset(raw);
  if (rc != SQLITE_OK) return Status::Corruption(SqliteError(db, "rpmdb.sqlite"));
  return Status::Ok();
}

void Problem(std::vector<std::string>* problems, std::string message) {
  if (problems != nullptr) problems->push_back(std::move(message));
}

}  // namespace

Status ReadRpmdbSqliteBlobs(std::string_view bytes, const RpmdbBlobFn& on_blob,
                            std::vector<std::string>* problems) {
  if (bytes.size() < kSqliteHeaderSize || bytes.substr(0, kSqliteMagic.size()) != kSqliteMagic) {
    return Status::InvalidArgument("not an SQLite database");
  }
  sqlite3* raw_db = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw_db, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw_db);
  if (rc != SQLITE_OK) return Status::Internal("sqlite3_open_v2(:memory:) failed");

  // sqlite3_deserialize() wants a mutable sqlite3_malloc() buffer it then owns. rpm keeps its
  // database in WAL mode (header bytes 18-19 = 2), which an in-memory database cannot open;
  // the copy is switched to rollback-journal mode. Whatever the WAL file held is not in these
  // bytes anyway.
  auto* buf = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
  if (buf == nullptr) return Status::Internal("out of memory copying rpmdb.sqlite");
  std::memcpy(buf, bytes.data(), bytes.size());
  if (buf[18] == 2) buf[18] = 1;
  if (buf[19] == 2) buf[19] = 1;
  rc = sqlite3_deserialize(db.get(), "main", buf, static_cast<sqlite3_int64>(bytes.size()),
                           static_cast<sqlite3_int64>(bytes.size()),
                           SQLITE_DESERIALIZE_READONLY | SQLITE_DESERIALIZE_FREEONCLOSE);
  if (rc != SQLITE_OK) return Status::Corruption(SqliteError(db.get(), "sqlite3_deserialize"));

  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  sqlite3_exec(db.get(), "PRAGMA temp_store=MEMORY", nullptr, nullptr, nullptr);
  long progress_left = kProgressBudget;
  sqlite3_progress_handler(db.get(), kProgressPeriod, &OnProgress, &progress_left);

  Stmt stmt;
  ASSAY_RETURN_IF_ERROR(
      Prepare(db.get(), "SELECT type FROM sqlite_master WHERE name = 'Packages'", &stmt));
  rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_DONE) return Status::InvalidArgument("no Packages table: not an rpmdb");
  if (rc != SQLITE_ROW) return Status::Corruption(SqliteError(db.get(), "rpmdb.sqlite schema"));
  const auto* type = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
  if (type == nullptr || std::strcmp(type, "table") != 0) {
    return Status::InvalidArgument("Packages is not a table: not an rpmdb");
  }

  ASSAY_RETURN_IF_ERROR(Prepare(db.get(), "SELECT hnum, blob FROM Packages", &stmt));
  size_t rows = 0;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    ++rows;
    sqlite3_int64 hnum = sqlite3_column_int64(stmt.get(), 0);
    if (sqlite3_column_type(stmt.get(), 1) != SQLITE_BLOB) {
      Problem(problems, "hnum " + std::to_string(hnum) + ": blob column is not a BLOB");
      continue;
    }
    const void* data = sqlite3_column_blob(stmt.get(), 1);
    int size = sqlite3_column_bytes(stmt.get(), 1);
    if (data == nullptr || size <= 0) {
      Problem(problems, "hnum " + std::to_string(hnum) + ": empty blob");
      continue;
    }
    on_blob(static_cast<uint64_t>(hnum),
            std::string_view(static_cast<const char*>(data), static_cast<size_t>(size)));
  }
  if (rc != SQLITE_DONE) {
    std::string message = SqliteError(db.get(), "reading Packages");
    if (rows == 0) return Status::Corruption(message);
    Problem(problems, message + " (stopped after " + std::to_string(rows) + " rows)");
  }
  return Status::Ok();
}

}  // namespace assay::inventory
