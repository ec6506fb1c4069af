// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The one SQL seam of the state store: a connection to SQLite (the embedded default) or to
// PostgreSQL 15 (libpq), so that the store, its migrations and its tests are written once.
//
// SQL text is written in the common subset of both dialects, with positional parameters
// `?1`, `?2`, ... (SQLite's own syntax; rewritten to `$1`, `$2`, ... for PostgreSQL outside
// quoted strings and comments). Values are NULL, 64-bit integers, doubles or text; booleans are
// stored as integers and times as RFC 3339 UTC text (they sort as strings). Text must not contain
// NUL bytes (InvalidArgument) and should be UTF-8 (PostgreSQL refuses anything else).
//
// PostgreSQL infers each parameter's type from where it appears; where it cannot, or guesses too
// narrow a type (`?1 + 1` is INTEGER, a `VALUES (?1, ?2)` list is text), write a cast:
// `CAST(?1 AS BIGINT)`, `CAST(?2 AS DOUBLE PRECISION)`.
//
// A Connection is used by one thread at a time (open one per thread). Statements are prepared
// once per connection and cached by their text (at most 512; SQL built with a varying number of
// placeholders makes the cache start over). Do not run statements on a connection from inside
// one of its Query callbacks: PostgreSQL streams the rows over that same connection, so both
// drivers refuse (InvalidArgument); collect the rows first.
//
// Errors name the connection (Describe()) and quote the failing statement's first 80 bytes.
// Codes: a constraint violation or a value that does not fit is InvalidArgument; a lock not
// granted in time (SQLite busy, PostgreSQL deadlock or serialization failure) or a lost server
// is Unavailable (retry); a transaction PostgreSQL already aborted is Aborted; disk full or I/O
// errors are IOError; a damaged database is Corruption; anything else (SQL errors) is Internal.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace assay::findings::sql {

enum class Dialect { kSqlite, kPostgres };

// A parameter or column value.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
inline Value Null() { return std::monostate{}; }

// One result row. Column accessors take the 0-based column index; a NULL (or a column past the
// last) reads as 0, 0.0 or "". Int and Real convert as SQLite does: a boolean is 1 or 0, a
// number with a fraction is truncated, text that is not a number is 0.
class Row {
 public:
  virtual ~Row() = default;
  virtual int size() const = 0;
  virtual bool IsNull(int col) const = 0;
  virtual std::int64_t Int(int col) const = 0;
  virtual double Real(int col) const = 0;
  virtual std::string_view Text(int col) const = 0;  // valid until the callback returns
  std::string Str(int col) const { return std::string(Text(col)); }
  std::optional<std::string> OptStr(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Str(col);
  }
};

// Called once per row; return false to stop early. (On PostgreSQL the rest of the rows is still
// read and dropped; put a LIMIT on queries meant to stop early.)
using RowFn = std::function<bool(const Row&)>;

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;

  // Runs a script of statements separated by `;`, without parameters (migrations). PostgreSQL
  // runs a script outside a transaction as one transaction, SQLite statement by statement: wrap
  // migrations in InTransaction.
  virtual base::Status ExecScript(std::string_view sql) = 0;

  // Runs one statement; returns the number of rows it inserted, updated or deleted (0 for other
  // statements).
  virtual base::Result<std::int64_t> Exec(std::string_view sql,
                                          std::span<const Value> params = {}) = 0;
  base::Result<std::int64_t> Exec(std::string_view sql, std::initializer_list<Value> params) {
    return Exec(sql, std::span<const Value>(params.begin(), params.size()));
  }

  // Runs one statement and calls `fn` for each row it returns. PostgreSQL rows arrive one at a
  // time, so memory does not grow with the result.
  virtual base::Status Query(std::string_view sql, std::span<const Value> params,
                             const RowFn& fn) = 0;
  base::Status Query(std::string_view sql, std::initializer_list<Value> params, const RowFn& fn) {
    return Query(sql, std::span<const Value>(params.begin(), params.size()), fn);
  }

  // Inserts many rows into `table` (`columns` in order; each row has columns.size() values):
  // one prepared statement in a loop for SQLite, COPY FROM STDIN for PostgreSQL. Runs inside the
  // caller's transaction when one is open, else in its own (all rows or none). `table` and
  // `columns` must be plain identifiers ("schema.table" allowed): they are put into the SQL.
  virtual base::Status BulkInsert(std::string_view table, std::span<const std::string_view> columns,
                                  std::span<const std::vector<Value>> rows) = 0;

  // Transactions. Begin() on SQLite takes the write lock at once (BEGIN IMMEDIATE) so that two
  // writers never deadlock on a lock upgrade; it waits up to 5 s for another writer, then fails
  // Unavailable. Nested calls are an error (InvalidArgument), as are Commit and Rollback without
  // a transaction. A failed statement undoes only itself on SQLite but aborts the whole
  // transaction on PostgreSQL, whose Commit then rolls back and returns Aborted: treat any error
  // inside a transaction as the end of it.
  virtual base::Status Begin() = 0;
  virtual base::Status Commit() = 0;
  virtual base::Status Rollback() = 0;
  virtual bool in_transaction() const = 0;

  // The id generated by the last INSERT into a table whose key is `INTEGER PRIMARY KEY`
  // (SQLite) — on PostgreSQL use `INSERT ... RETURNING pk` with Query instead; this returns
  // NotSupported there.
  virtual base::Result<std::int64_t> LastInsertId() = 0;

  // Where the connection points, for messages: the SQLite file, or "postgres://user@host:port/db"
  // (never the password).
  virtual std::string Describe() const = 0;
};

// Opens (creating when missing) a SQLite database in WAL mode with foreign keys on, a 5 s busy
// timeout and synchronous=NORMAL.
base::Result<std::unique_ptr<Connection>> OpenSqlite(const std::filesystem::path& path);

// Connects to PostgreSQL; `url` is a libpq URI ("postgres://user@127.0.0.1:5432/assay") or
// key=value conninfo. Unavailable when the server cannot be reached or refuses the login,
// InvalidArgument when the string does not parse (messages never contain the password). The
// client encoding is UTF-8; connect_timeout defaults to 10 s.
base::Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& url);

// OpenSqlite for a path, OpenPostgres for a "postgres://" or "postgresql://" URL.
base::Result<std::unique_ptr<Connection>> Open(const std::string& path_or_url);

// Runs `fn` in a transaction: commits when it returns OK, rolls back otherwise (and returns
// its status).
base::Status InTransaction(Connection& conn, const std::function<base::Status()>& fn);

// The statement text with `?N` rewritten to `$N` outside quotes (exposed for tests).
std::string ToPostgresParams(std::string_view sql);

}  // namespace assay::findings::sql
