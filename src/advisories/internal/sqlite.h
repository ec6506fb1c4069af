// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Private to the advisories module: a thin RAII layer over the SQLite C API that turns result
// codes into base::Status. Not thread-safe; callers serialise access to one connection.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"

namespace assay::advisories::internal {

inline base::Status SqliteError(sqlite3* db, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
  int code = db ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM;
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) return base::Status::Corruption(msg);
  if (code == SQLITE_CANTOPEN || code == SQLITE_IOERR || code == SQLITE_FULL ||
      code == SQLITE_READONLY || code == SQLITE_PERM) {
    return base::Status::IOError(msg);
  }
  return base::Status::Internal(msg);
}

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(std::exchange(o.s_, nullptr)) {}
  Stmt& operator=(Stmt&& o) noexcept {
    if (this != &o) {
      if (s_) sqlite3_finalize(s_);
      db_ = o.db_;
      s_ = std::exchange(o.s_, nullptr);
    }
    return *this;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() {
    if (s_) sqlite3_finalize(s_);
  }

  // Text and blobs are bound without copying: they must stay alive until Step()/Reset().
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void BindCopy(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void Bind(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, double v) { sqlite3_bind_double(s_, i, v); }
  void BindNull(int i) { sqlite3_bind_null(s_, i); }

  // true: a row is available; false: done.
  base::Result<bool> Step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, "sqlite step");
  }
  // Steps a statement that returns no row, then resets it for reuse.
  base::Status Run() {
    int rc = sqlite3_step(s_);
    sqlite3_reset(s_);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return base::Status::Ok();
    return SqliteError(db_, "sqlite insert");
  }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  std::string_view Text(int i) const {
    const unsigned char* p = sqlite3_column_text(s_, i);
    int n = sqlite3_column_bytes(s_, i);
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n))
             : std::string_view();
  }
  std::string_view Blob(int i) const {
    const void* p = sqlite3_column_blob(s_, i);
    int n = sqlite3_column_bytes(s_, i);
    return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(n))
             : std::string_view();
  }
  std::int64_t Int(int i) const { return sqlite3_column_int64(s_, i); }
  double Double(int i) const { return sqlite3_column_double(s_, i); }
  bool IsNull(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* s_ = nullptr;
};

class Conn {
 public:
  Conn() = default;
  Conn(Conn&& o) noexcept : db_(std::exchange(o.db_, nullptr)) {}
  Conn& operator=(Conn&& o) noexcept {
    if (this != &o) {
      (void)Close();
      db_ = std::exchange(o.db_, nullptr);
    }
    return *this;
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn() { (void)Close(); }

  static base::Result<Conn> Open(const std::string& path, int flags) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_URI, nullptr);
    if (rc != SQLITE_OK) {
      base::Status s = SqliteError(db, "open " + path);
      sqlite3_close_v2(db);
      return s;
    }
    sqlite3_extended_result_codes(db, 0);
    Conn c;
    c.db_ = db;
    return c;
  }

  base::Status Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      base::Status s = SqliteError(db_, "sqlite");
      return base::Status(s.code(), "sqlite: " + msg);
    }
    return base::Status::Ok();
  }

  base::Result<Stmt> Prepare(std::string_view sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr) !=
        SQLITE_OK) {
      return SqliteError(db_, "prepare \"" + std::string(sql.substr(0, 60)) + "\"");
    }
    return Stmt(db_, s);
  }

  // Closes now; Status of the close.
  base::Status Close() {
    if (db_ == nullptr) return base::Status::Ok();
    int rc = sqlite3_close_v2(db_);
    sqlite3* db = db_;
    db_ = nullptr;
    if (rc != SQLITE_OK) return SqliteError(db, "sqlite close");
    return base::Status::Ok();
  }

  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// Single-quoted SQL string literal (for ATTACH paths, which cannot be bound everywhere).
inline std::string SqlQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

}  // namespace assay::advisories::internal
