// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The PostgreSQL driver of the SQL seam (libpq). Statements are prepared once per connection
// with parameter types left to the server, parameters are sent as text and results read as text;
// Query streams rows one at a time (single-row mode) so that memory does not grow with the result.
#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/log.h"
#include "base/strings.h"
#include "findings/internal/sql_util.h"
#include "findings/sql.h"

namespace assay::findings::sql {
namespace {

using base::Result;
using base::Status;

// More distinct statements than this (SQL built with a variable number of placeholders) and
// the server-side prepared statements are dropped and the cache starts over.
constexpr size_t kMaxCachedStatements = 512;
// COPY data is sent in chunks of about this size.
constexpr size_t kCopyChunk = 1 << 20;

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;
ResultPtr Wrap(PGresult* r) { return ResultPtr(r, &PQclear); }

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The error codes of assay for the SQLSTATE classes (PostgreSQL appendix A).
base::Code CodeFor(std::string_view state) {
  if (state.empty()) return base::Code::kInternal;
  if (StartsWith(state, "22") || StartsWith(state, "23")) return base::Code::kInvalidArgument;
  if (StartsWith(state, "08") || StartsWith(state, "40") || StartsWith(state, "57P") ||
      state == "55P03" || state == "53300") {
    return base::Code::kUnavailable;
  }
  if (state == "25P02" || state == "57014") return base::Code::kAborted;
  if (StartsWith(state, "53") || StartsWith(state, "58")) return base::Code::kIOError;
  if (state == "XX001" || state == "XX002") return base::Code::kCorruption;
  return base::Code::kInternal;
}

// Text as PostgreSQL's input functions read it.
void AppendNumber(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}
void AppendNumber(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "Infinity" : "-Infinity";
  } else {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  }
}

// A value in COPY's text format.
void AppendCopyValue(std::string& out, const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    AppendNumber(out, *i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    AppendNumber(out, *d);
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    for (char c : *s) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          out.push_back(c);
      }
    }
  } else {
    out += "\\N";
  }
}

// Parameter values as the C strings PQexecPrepared takes (nullptr for NULL).
class TextParams {
 public:
  explicit TextParams(std::span<const Value> params) {
    texts_.resize(params.size());
    ptrs_.resize(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (const auto* s = std::get_if<std::string>(&v)) {
        ptrs_[i] = s->c_str();
      } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
        AppendNumber(texts_[i], *n);
        ptrs_[i] = texts_[i].c_str();
      } else if (const auto* d = std::get_if<double>(&v)) {
        AppendNumber(texts_[i], *d);
        ptrs_[i] = texts_[i].c_str();
      } else {
        ptrs_[i] = nullptr;
      }
    }
  }
  TextParams(const TextParams&) = delete;  // ptrs_ point into texts_
  TextParams& operator=(const TextParams&) = delete;
  int size() const { return static_cast<int>(ptrs_.size()); }
  const char* const* values() const { return ptrs_.data(); }

 private:
  std::vector<std::string> texts_;
  std::vector<const char*> ptrs_;
};

// Reads integers and floats the way SQLite converts: a boolean is 1 or 0, a number with a
// fraction or exponent is truncated, text that is no number is 0.
std::int64_t ParseInt(std::string_view t) {
  if (t == "t") return 1;
  if (t == "f" || t.empty()) return 0;
  std::int64_t v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec == std::errc() && r.ptr == t.data() + t.size()) return v;
  double d = 0;
  auto rd = std::from_chars(t.data(), t.data() + t.size(), d);
  if (rd.ec != std::errc() || std::isnan(d)) return r.ec == std::errc() ? v : 0;
  if (d >= 9.2233720368547758e18) return std::numeric_limits<std::int64_t>::max();
  if (d <= -9.2233720368547758e18) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(d);
}

double ParseReal(std::string_view t) {
  if (t == "t") return 1;
  if (t == "f" || t.empty()) return 0;
  double d = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), d);
  if (r.ec == std::errc::result_out_of_range) {
    return t[0] == '-' ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
  }
  return r.ec == std::errc() ? d : 0;
}

class PgRow final : public Row {
 public:
  PgRow(const PGresult* r, int row) : r_(r), row_(row), n_(PQnfields(r)) {}
  int size() const override { return n_; }
  bool IsNull(int col) const override { return !InRange(col) || PQgetisnull(r_, row_, col) != 0; }
  std::int64_t Int(int col) const override { return ParseInt(Text(col)); }
  double Real(int col) const override { return ParseReal(Text(col)); }
  std::string_view Text(int col) const override {
    if (!InRange(col)) return {};
    return {PQgetvalue(r_, row_, col), static_cast<size_t>(PQgetlength(r_, row_, col))};
  }

 private:
  bool InRange(int col) const { return col >= 0 && col < n_; }
  const PGresult* r_;
  int row_;
  int n_;
};

// Passwords that may appear in `conninfo` as written (URI user info, `password=` in key=value
// form or a URI query), so that they can be cut from libpq's messages.
std::vector<std::string> SecretsIn(std::string_view conninfo) {
  std::vector<std::string> out;
  size_t scheme = conninfo.find("://");
  if (scheme != std::string_view::npos) {
    size_t start = scheme + 3;
    size_t end = conninfo.find_first_of("/?", start);
    std::string_view authority = conninfo.substr(
        start, end == std::string_view::npos ? std::string_view::npos : end - start);
    size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
      std::string_view userinfo = authority.substr(0, at);
      size_t colon = userinfo.find(':');
      if (colon != std::string_view::npos) out.emplace_back(userinfo.substr(colon + 1));
    }
  }
  for (size_t pos = conninfo.find("password"); pos != std::string_view::npos;
       pos = conninfo.find("password", pos + 1)) {
    size_t v = pos + 8;
    while (v < conninfo.size() && conninfo[v] == ' ') ++v;
    if (v >= conninfo.size() || conninfo[v] != '=') continue;
    ++v;
    while (v < conninfo.size() && conninfo[v] == ' ') ++v;
    size_t end;
    if (v < conninfo.size() && conninfo[v] == '\'') {
      ++v;
      end = conninfo.find('\'', v);
    } else {
      end = conninfo.find_first_of(" &", v);
    }
    out.emplace_back(conninfo.substr(v, end == std::string_view::npos ? end : end - v));
  }
  return out;
}

std::string Scrub(std::string msg, const std::vector<std::string>& secrets) {
  for (const std::string& s : secrets) {
    if (s.empty()) continue;
    for (size_t pos = msg.find(s); pos != std::string::npos; pos = msg.find(s, pos + 4)) {
      msg.replace(pos, s.size(), "****");
    }
  }
  return msg;
}

// libpq's multi-line messages on one line.
std::string OneLine(std::string_view msg) {
  std::string out;
  for (char c : base::Trim(msg)) {
    if (c == '\n') {
      out += "; ";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string DescribeConn(const PGconn* conn) {
  auto field = [](const char* s) { return std::string(s != nullptr ? s : ""); };
  std::string host = field(PQhost(conn));
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "postgres://" + field(PQuser(conn)) + "@" + host + ":" + field(PQport(conn)) + "/" +
         field(PQdb(conn));
}

void LogNotice(void* /*arg*/, const char* message) {
  base::Log(base::LogLevel::kDebug, "postgres: {}", OneLine(message));
}

class PgConnection final : public Connection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn), describe_(DescribeConn(conn)) {}
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string Describe() const override { return describe_; }

  bool in_transaction() const override {
    PGTransactionStatusType ts = PQtransactionStatus(conn_);
    if (ts == PQTRANS_ACTIVE) return streaming_in_transaction_;  // inside a Query callback
    return ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR;
  }

  Status ExecScript(std::string_view sql) override {
    if (streaming_) return internal::NestedStatementError(describe_, "ExecScript");
    ResultPtr r = Wrap(PQexec(conn_, std::string(sql).c_str()));
    if (Ok(r.get()) || (r && PQresultStatus(r.get()) == PGRES_EMPTY_QUERY)) return Status::Ok();
    // Quote the statement of the script that failed when the server says where it is.
    std::string_view failed = sql;
    const char* pos = r ? PQresultErrorField(r.get(), PG_DIAG_STATEMENT_POSITION) : nullptr;
    if (pos != nullptr) {
      // A 1-based position in characters; count UTF-8 lead bytes to find the byte.
      long chars = std::strtol(pos, nullptr, 10);
      size_t byte = 0;
      for (long seen = 0; byte < sql.size(); ++byte) {
        if ((static_cast<unsigned char>(sql[byte]) & 0xc0) != 0x80 && ++seen == chars) break;
      }
      failed = internal::StatementAt(sql, byte);
    }
    return Error(r.get(), failed);
  }

  Result<std::int64_t> Exec(std::string_view sql, std::span<const Value> params) override {
    if (streaming_) return internal::NestedStatementError(describe_, "Exec");
    const std::string pgsql = ToPostgresParams(sql);
    TextParams values(params);
    for (int attempt = 0;; ++attempt) {
      ASSAY_ASSIGN_OR_RETURN(std::string name, Prepare(pgsql, sql, params));
      ResultPtr r = Wrap(
          PQexecPrepared(conn_, name.c_str(), values.size(), values.values(), nullptr, nullptr, 0));
      if (!Ok(r.get())) {
        if (attempt == 0 && Replan(r.get(), pgsql)) continue;
        return Error(r.get(), sql);
      }
      std::string_view tag = PQcmdStatus(r.get());
      if (StartsWith(tag, "SELECT") || StartsWith(tag, "FETCH") || StartsWith(tag, "MOVE")) {
        return std::int64_t{0};
      }
      return ParseInt(PQcmdTuples(r.get()));
    }
  }

  Status Query(std::string_view sql, std::span<const Value> params, const RowFn& fn) override {
    if (streaming_) return internal::NestedStatementError(describe_, "Query");
    const std::string pgsql = ToPostgresParams(sql);
    TextParams values(params);
    for (int attempt = 0;; ++attempt) {
      ASSAY_ASSIGN_OR_RETURN(std::string name, Prepare(pgsql, sql, params));
      bool rows_seen = false;
      ResultPtr failed = Wrap(nullptr);
      ASSAY_RETURN_IF_ERROR(Stream(name, values, fn, sql, rows_seen, failed));
      if (failed == nullptr) return Status::Ok();
      if (attempt == 0 && !rows_seen && Replan(failed.get(), pgsql)) continue;
      return Error(failed.get(), sql);
    }
  }

  Status BulkInsert(std::string_view table, std::span<const std::string_view> columns,
                    std::span<const std::vector<Value>> rows) override {
    if (streaming_) return internal::NestedStatementError(describe_, "BulkInsert");
    ASSAY_RETURN_IF_ERROR(internal::CheckBulkInsert(describe_, table, columns, rows));
    if (rows.empty()) return Status::Ok();
    const std::string copy =
        "COPY " + std::string(table) + " (" + internal::ColumnList(columns) + ") FROM STDIN";
    ResultPtr r = Wrap(PQexec(conn_, copy.c_str()));
    if (r == nullptr || PQresultStatus(r.get()) != PGRES_COPY_IN) return Error(r.get(), copy);
    std::string buf;
    buf.reserve(kCopyChunk + 4096);
    bool sent = true;
    for (size_t i = 0; i < rows.size() && sent; ++i) {
      for (size_t c = 0; c < rows[i].size(); ++c) {
        if (c > 0) buf.push_back('\t');
        AppendCopyValue(buf, rows[i][c]);
      }
      buf.push_back('\n');
      if (buf.size() >= kCopyChunk || i + 1 == rows.size()) {
        sent = PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) == 1;
        buf.clear();
      }
    }
    if (PQputCopyEnd(conn_, sent ? nullptr : "sending COPY data failed") != 1) sent = false;
    Status st;
    while (PGresult* raw = PQgetResult(conn_)) {
      ResultPtr res = Wrap(raw);
      if (st.ok() && PQresultStatus(raw) != PGRES_COMMAND_OK) st = Error(raw, copy);
    }
    if (st.ok() && !sent) st = Error(nullptr, copy);
    return st;
  }

  Status Begin() override {
    if (streaming_) return internal::NestedStatementError(describe_, "Begin");
    if (in_transaction()) {
      return Status::InvalidArgument(describe_ +
                                     ": Begin inside a transaction (transactions do not nest)");
    }
    return Simple("BEGIN");
  }

  Status Commit() override {
    if (streaming_) return internal::NestedStatementError(describe_, "Commit");
    PGTransactionStatusType ts = PQtransactionStatus(conn_);
    if (ts == PQTRANS_IDLE) {
      return Status::InvalidArgument(describe_ + ": Commit without a transaction");
    }
    if (ts == PQTRANS_INERROR) {
      // COMMIT would answer ROLLBACK: say so instead of reporting success.
      (void)Simple("ROLLBACK");
      return Status::Aborted(describe_ +
                             ": transaction rolled back: a statement in it failed earlier");
    }
    ResultPtr r = Wrap(PQexec(conn_, "COMMIT"));
    if (!Ok(r.get())) return Error(r.get(), "COMMIT");
    if (std::string_view(PQcmdStatus(r.get())) != "COMMIT") {
      return Status::Aborted(describe_ + ": COMMIT answered " + PQcmdStatus(r.get()));
    }
    return Status::Ok();
  }

  Status Rollback() override {
    if (streaming_) return internal::NestedStatementError(describe_, "Rollback");
    if (!in_transaction()) {
      return Status::InvalidArgument(describe_ + ": Rollback without a transaction");
    }
    return Simple("ROLLBACK");
  }

  Result<std::int64_t> LastInsertId() override {
    return Status::NotSupported(describe_ +
                                ": LastInsertId on PostgreSQL: use INSERT ... RETURNING");
  }

 private:
  struct Prepared {
    std::string name;
    int params = 0;
  };

  static bool Ok(const PGresult* r) {
    if (r == nullptr) return false;
    ExecStatusType s = PQresultStatus(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
  }

  // The message names the connection, the server's message with its SQLSTATE, detail and
  // context, and the statement.
  Status Error(const PGresult* r, std::string_view sql) const {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string msg = describe_ + ": ";
    if (primary != nullptr) {
      msg += primary;
    } else if (r != nullptr && *PQresultErrorMessage(r) != '\0') {
      msg += OneLine(PQresultErrorMessage(r));
    } else {
      msg += OneLine(PQerrorMessage(conn_));
    }
    if (state != nullptr) msg += std::string(" (SQLSTATE ") + state + ")";
    for (int field : {PG_DIAG_MESSAGE_DETAIL, PG_DIAG_CONTEXT}) {
      const char* extra = r ? PQresultErrorField(r, field) : nullptr;
      if (extra != nullptr) msg += "; " + OneLine(extra);
    }
    msg += " in " + internal::QuoteStatement(sql);
    base::Code code = CodeFor(state != nullptr ? state : "");
    if (PQstatus(conn_) != CONNECTION_OK) code = base::Code::kUnavailable;
    return {code, std::move(msg)};
  }

  Status Simple(const char* sql) {
    ResultPtr r = Wrap(PQexec(conn_, sql));
    return Ok(r.get()) ? Status::Ok() : Error(r.get(), sql);
  }

  // The server-side name of the prepared statement for `pgsql`, preparing it on first use, and
  // a check that `params` has as many values as it takes.
  Result<std::string> Prepare(const std::string& pgsql, std::string_view sql,
                              std::span<const Value> params) {
    auto it = cache_.find(pgsql);
    if (it == cache_.end()) {
      if (cache_.size() >= kMaxCachedStatements) {
        ResultPtr r = Wrap(PQexec(conn_, "DEALLOCATE ALL"));
        if (!Ok(r.get())) return Error(r.get(), "DEALLOCATE ALL");
        cache_.clear();
      }
      Prepared p{"assay_" + std::to_string(++prepared_count_), 0};
      ResultPtr r = Wrap(PQprepare(conn_, p.name.c_str(), pgsql.c_str(), 0, nullptr));
      if (!Ok(r.get())) return Error(r.get(), sql);
      ResultPtr d = Wrap(PQdescribePrepared(conn_, p.name.c_str()));
      if (!Ok(d.get())) return Error(d.get(), sql);
      p.params = PQnparams(d.get());
      it = cache_.emplace(pgsql, std::move(p)).first;
    }
    if (static_cast<size_t>(it->second.params) != params.size()) {
      return Status::InvalidArgument(describe_ + ": " + std::to_string(params.size()) +
                                     " parameters for " + std::to_string(it->second.params) +
                                     " in " + internal::QuoteStatement(sql));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      if (internal::HasNul(params[i])) {
        return Status::InvalidArgument(describe_ + ": parameter ?" + std::to_string(i + 1) +
                                       ": text contains a NUL byte in " +
                                       internal::QuoteStatement(sql));
      }
    }
    return it->second.name;
  }

  // A prepared SELECT * fails once a table it reads changes shape ("cached plan must not change
  // result type"); outside a transaction it is prepared again and run once more.
  bool Replan(const PGresult* r, const std::string& pgsql) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    if (state == nullptr || std::string_view(state) != "0A000" || in_transaction()) return false;
    cache_.erase(pgsql);
    return true;
  }

  // Sends the prepared statement and hands each row to `fn` as it arrives. A server error is
  // left in `failed`; the connection is drained (every result read) however this returns, so it
  // is ready for the next statement even when `fn` stops early or throws.
  Status Stream(const std::string& name, const TextParams& values, const RowFn& fn,
                std::string_view sql, bool& rows_seen, ResultPtr& failed) {
    const bool tx = in_transaction();
    if (PQsendQueryPrepared(conn_, name.c_str(), values.size(), values.values(), nullptr, nullptr,
                            0) != 1) {
      return Error(nullptr, sql);
    }
    PQsetSingleRowMode(conn_);
    struct Drain {
      PgConnection& self;
      ~Drain() {
        while (PGresult* r = PQgetResult(self.conn_)) PQclear(r);
        self.streaming_ = false;
      }
    } drain{*this};
    streaming_ = true;
    streaming_in_transaction_ = tx;
    bool more = true;
    while (PGresult* raw = PQgetResult(conn_)) {
      ResultPtr r = Wrap(raw);
      ExecStatusType s = PQresultStatus(raw);
      if (s == PGRES_SINGLE_TUPLE || s == PGRES_TUPLES_OK) {
        // TUPLES_OK ends a single-row stream with no rows, or carries all rows when the
        // server's answer came before single-row mode could be set.
        for (int i = 0; more && i < PQntuples(raw); ++i) {
          rows_seen = true;
          more = fn(PgRow(raw, i));
        }
      } else if (s != PGRES_COMMAND_OK && failed == nullptr) {
        failed = std::move(r);
      }
    }
    return Status::Ok();
  }

  PGconn* conn_;
  std::string describe_;
  std::unordered_map<std::string, Prepared> cache_;
  std::uint64_t prepared_count_ = 0;
  bool streaming_ = false;                 // a Query callback is running
  bool streaming_in_transaction_ = false;  // whether that query runs in a transaction
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& url) {
  std::vector<std::string> secrets = SecretsIn(url);
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &err);
  if (options == nullptr) {
    std::string msg = err != nullptr ? OneLine(err) : "out of memory";
    PQfreemem(err);
    return Status::InvalidArgument("PostgreSQL connection string: " + Scrub(msg, secrets));
  }
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr) secrets.emplace_back(o->val);
  }
  PQconninfoFree(options);

  // Defaults before the URL's own settings (which win), the client encoding after (it must be
  // UTF-8: all text in assay is).
  const char* const keywords[] = {"connect_timeout", "fallback_application_name", "dbname",
                                  "client_encoding", nullptr};
  const char* const values[] = {"10", "assay", url.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, 1);
  if (conn == nullptr) return Status::Internal("PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = "cannot connect to PostgreSQL at " + DescribeConn(conn) + ": " +
                      OneLine(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Unavailable(Scrub(std::move(msg), secrets));
  }
  PQsetNoticeProcessor(conn, &LogNotice, nullptr);
  return std::unique_ptr<Connection>(std::make_unique<PgConnection>(conn));
}

}  // namespace assay::findings::sql
