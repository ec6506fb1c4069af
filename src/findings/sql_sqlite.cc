// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The SQLite driver of the SQL seam: one sqlite3 handle in WAL mode, statements prepared once
// and cached by their text.
#include <sqlite3.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "findings/internal/sql_util.h"
#include "findings/sql.h"

namespace assay::findings::sql {
namespace {

using base::Result;
using base::Status;

// More distinct statements than this (SQL built with a variable number of placeholders) and
// the cache starts over.
constexpr size_t kMaxCachedStatements = 512;

base::Code CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return base::Code::kInvalidArgument;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return base::Code::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return base::Code::kCorruption;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return base::Code::kIOError;
    default:
      return base::Code::kInternal;
  }
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Leaves a cached statement ready for its next use, however the call ends.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* s) : s_(s) {}
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;
  ~ResetOnExit() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

 private:
  sqlite3_stmt* s_;
};

// Set while a Query callback runs.
class StreamingScope {
 public:
  explicit StreamingScope(bool& flag) : flag_(flag) { flag_ = true; }
  StreamingScope(const StreamingScope&) = delete;
  StreamingScope& operator=(const StreamingScope&) = delete;
  ~StreamingScope() { flag_ = false; }

 private:
  bool& flag_;
};

class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* s) : s_(s) {}
  // Asked each time: a statement prepared again after a schema change may have more columns.
  int size() const override { return sqlite3_column_count(s_); }
  bool IsNull(int col) const override {
    return !InRange(col) || sqlite3_column_type(s_, col) == SQLITE_NULL;
  }
  std::int64_t Int(int col) const override {
    return InRange(col) ? sqlite3_column_int64(s_, col) : 0;
  }
  double Real(int col) const override { return InRange(col) ? sqlite3_column_double(s_, col) : 0; }
  std::string_view Text(int col) const override {
    if (!InRange(col)) return {};
    const unsigned char* p = sqlite3_column_text(s_, col);
    if (p == nullptr) return {};
    return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, col))};
  }

 private:
  bool InRange(int col) const { return col >= 0 && col < size(); }
  sqlite3_stmt* s_;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection() override {
    ClearCache();
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return path_; }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  Status ExecScript(std::string_view sql) override {
    if (streaming_) return internal::NestedStatementError(path_, "ExecScript");
    const char* p = sql.data();
    const char* end = sql.data() + sql.size();
    while (p < end) {
      sqlite3_stmt* raw = nullptr;
      const char* tail = end;
      int rc = sqlite3_prepare_v2(db_, p, static_cast<int>(end - p), &raw, &tail);
      std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, &sqlite3_finalize);
      if (rc != SQLITE_OK) {
        return Error(rc,
                     internal::StatementAt(std::string_view(p, static_cast<size_t>(end - p)), 0));
      }
      std::string_view text(p, static_cast<size_t>(tail - p));
      p = tail;
      if (stmt == nullptr) continue;  // only blanks or a comment
      while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      }
      if (rc != SQLITE_DONE) return Error(rc, text);
    }
    return Status::Ok();
  }

  Result<std::int64_t> Exec(std::string_view sql, std::span<const Value> params) override {
    if (streaming_) return internal::NestedStatementError(path_, "Exec");
    ASSAY_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    ResetOnExit reset(stmt);
    ASSAY_RETURN_IF_ERROR(BindAll(stmt, params, sql));
    const sqlite3_int64 before = sqlite3_total_changes64(db_);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return Error(rc, sql);
    // sqlite3_changes keeps the count of the last INSERT, UPDATE or DELETE: a SELECT or a
    // statement of another kind changed nothing.
    if (sqlite3_total_changes64(db_) == before) return std::int64_t{0};
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }

  Status Query(std::string_view sql, std::span<const Value> params, const RowFn& fn) override {
    if (streaming_) return internal::NestedStatementError(path_, "Query");
    ASSAY_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    ResetOnExit reset(stmt);
    ASSAY_RETURN_IF_ERROR(BindAll(stmt, params, sql));
    StreamingScope streaming(streaming_);
    SqliteRow row(stmt);
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return Status::Ok();
      if (rc != SQLITE_ROW) return Error(rc, sql);
      if (!fn(row)) return Status::Ok();
    }
  }

  Status BulkInsert(std::string_view table, std::span<const std::string_view> columns,
                    std::span<const std::vector<Value>> rows) override {
    if (streaming_) return internal::NestedStatementError(path_, "BulkInsert");
    ASSAY_RETURN_IF_ERROR(internal::CheckBulkInsert(path_, table, columns, rows));
    if (rows.empty()) return Status::Ok();
    std::string sql =
        "INSERT INTO " + std::string(table) + " (" + internal::ColumnList(columns) + ") VALUES (";
    for (size_t i = 0; i < columns.size(); ++i) {
      sql += (i > 0 ? ", ?" : "?") + std::to_string(i + 1);
    }
    sql += ")";
    // Outside a transaction, one of our own: all rows or none, and one journal sync.
    const bool own = !in_transaction();
    if (own) ASSAY_RETURN_IF_ERROR(Begin());
    Status st = InsertRows(sql, rows);
    if (own && st.ok()) st = Commit();
    if (own && !st.ok() && in_transaction()) (void)Rollback();
    return st;
  }

  Status Begin() override {
    if (in_transaction()) {
      return Status::InvalidArgument(path_ +
                                     ": Begin inside a transaction (transactions do not nest)");
    }
    return Exec("BEGIN IMMEDIATE", {}).status();
  }

  Status Commit() override {
    if (!in_transaction()) return Status::InvalidArgument(path_ + ": Commit without a transaction");
    return Exec("COMMIT", {}).status();
  }

  Status Rollback() override {
    if (!in_transaction()) {
      return Status::InvalidArgument(path_ + ": Rollback without a transaction");
    }
    return Exec("ROLLBACK", {}).status();
  }

  Result<std::int64_t> LastInsertId() override {
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
  }

 private:
  Status Error(int rc, std::string_view sql) const {
    return {CodeFor(rc),
            path_ + ": " + sqlite3_errmsg(db_) + " in " + internal::QuoteStatement(sql)};
  }

  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxCachedStatements) ClearCache();
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, &sqlite3_finalize);
    if (rc != SQLITE_OK) return Error(rc, sql);
    if (stmt == nullptr) {
      return Status::InvalidArgument(path_ + ": no statement in " + internal::QuoteStatement(sql));
    }
    // A second statement would be ignored silently (PostgreSQL refuses it): refuse it here too.
    std::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
    sqlite3_stmt* extra = nullptr;
    rc = sqlite3_prepare_v2(db_, rest.data(), static_cast<int>(rest.size()), &extra, nullptr);
    sqlite3_finalize(extra);
    if (rc != SQLITE_OK || extra != nullptr) {
      return Status::InvalidArgument(path_ + ": more than one statement in " +
                                     internal::QuoteStatement(sql) + " (use ExecScript)");
    }
    return cache_.emplace(std::string(sql), stmt.release()).first->second;
  }

  Status BindAll(sqlite3_stmt* stmt, std::span<const Value> params, std::string_view sql) {
    const int want = sqlite3_bind_parameter_count(stmt);
    if (static_cast<size_t>(want) != params.size()) {
      return Status::InvalidArgument(path_ + ": " + std::to_string(params.size()) +
                                     " parameters for " + std::to_string(want) + " in " +
                                     internal::QuoteStatement(sql));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      if (internal::HasNul(params[i])) {
        return Status::InvalidArgument(path_ + ": parameter ?" + std::to_string(i + 1) +
                                       ": text contains a NUL byte in " +
                                       internal::QuoteStatement(sql));
      }
      ASSAY_RETURN_IF_ERROR(Bind(stmt, static_cast<int>(i) + 1, params[i], sql));
    }
    return Status::Ok();
  }

  // Text is bound without a copy: the caller's value outlives the statement's use of it.
  Status Bind(sqlite3_stmt* stmt, int index, const Value& v, std::string_view sql) {
    int rc = SQLITE_OK;
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, index, *i);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, index, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      rc = sqlite3_bind_null(stmt, index);
    }
    if (rc != SQLITE_OK) return Error(rc, sql);
    return Status::Ok();
  }

  Status InsertRows(const std::string& sql, std::span<const std::vector<Value>> rows) {
    ASSAY_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    ResetOnExit reset(stmt);
    for (size_t r = 0; r < rows.size(); ++r) {
      for (size_t c = 0; c < rows[r].size(); ++c) {
        ASSAY_RETURN_IF_ERROR(Bind(stmt, static_cast<int>(c) + 1, rows[r][c], sql));
      }
      int rc = sqlite3_step(stmt);
      if (rc != SQLITE_DONE) {
        Status st = Error(rc, sql);
        return {st.code(), st.message() + " (row " + std::to_string(r) + ")"};
      }
      sqlite3_reset(stmt);
    }
    return Status::Ok();
  }

  void ClearCache() {
    for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
  }

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> cache_;
  bool streaming_ = false;  // a Query callback is running
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenSqlite(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status(CodeFor(rc), "open SQLite database " + path.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  auto conn = std::make_unique<SqliteConnection>(db, path.string());
  std::string mode;
  ASSAY_RETURN_IF_ERROR(conn->Query("PRAGMA journal_mode=WAL", {}, [&](const Row& row) {
    mode = row.Str(0);
    return false;
  }));
  const bool in_memory = path.empty() || path == ":memory:";
  if (mode != "wal" && !in_memory) {
    return Status::IOError(path.string() + ": cannot use WAL mode (journal mode is \"" + mode +
                           "\"): is the file on a network file system?");
  }
  // Reads of the first 256 MB go through a memory map of the file (shared with every
  // connection through the page cache) instead of a pread copy per page; each connection keeps
  // up to 32 MB of pages of its own, mostly the written ones of a large transaction. Mapped pages
  // count in the process's RSS though the kernel can drop them: the map is kept small.
  ASSAY_RETURN_IF_ERROR(conn->ExecScript(
      "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768; "
      "PRAGMA mmap_size=268435456"));
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace assay::findings::sql
