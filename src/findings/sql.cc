// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// What both drivers share: dispatch by URL, the transaction helper, the `?N` → `$N` rewrite and
// the checks and message helpers of internal/sql_util.h.
#include "findings/sql.h"

#include <cstring>
#include <string>
#include <utility>

#include "base/strings.h"
#include "findings/internal/sql_util.h"

namespace assay::findings::sql {
namespace internal {
namespace {

bool IsIdentStart(char c) { return base::IsAlpha(c) || c == '_'; }
bool IsIdentChar(char c) { return base::IsAlnum(c) || c == '_'; }

bool IsIdentifier(std::string_view s) {
  if (s.empty() || !IsIdentStart(s[0])) return false;
  for (char c : s) {
    if (!IsIdentChar(c)) return false;
  }
  return true;
}

// Past the closing `quote` of a string or identifier opened at `i` (a doubled quote is an
// escaped one and does not close it).
size_t SkipQuoted(std::string_view sql, size_t i, char quote) {
  size_t j = i + 1;
  while (j < sql.size()) {
    if (sql[j] == quote) {
      if (j + 1 < sql.size() && sql[j + 1] == quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    ++j;
  }
  return sql.size();
}

}  // namespace

size_t SkipQuotedOrComment(std::string_view sql, size_t i) {
  if (i >= sql.size()) return i;
  const char c = sql[i];
  const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
  if (c == '\'' || c == '"') return SkipQuoted(sql, i, c);
  if (c == '-' && next == '-') {
    size_t nl = sql.find('\n', i + 2);
    return nl == std::string_view::npos ? sql.size() : nl + 1;
  }
  if (c == '/' && next == '*') {
    size_t end = sql.find("*/", i + 2);
    return end == std::string_view::npos ? sql.size() : end + 2;
  }
  // PostgreSQL's $tag$ ... $tag$ (tag empty or an identifier); `$1` is a parameter and `a$b$`
  // part of an identifier.
  if (c == '$' && (i == 0 || !IsIdentChar(sql[i - 1])) && !base::IsDigit(next)) {
    size_t j = i + 1;
    while (j < sql.size() && IsIdentChar(sql[j])) ++j;
    if (j < sql.size() && sql[j] == '$') {
      std::string_view tag = sql.substr(i, j - i + 1);
      size_t end = sql.find(tag, j + 1);
      return end == std::string_view::npos ? sql.size() : end + tag.size();
    }
  }
  return i;
}

std::string QuoteStatement(std::string_view sql) {
  size_t i = 0;
  for (;;) {
    while (i < sql.size() && base::IsSpace(sql[i])) ++i;
    if (i + 1 < sql.size() &&
        ((sql[i] == '-' && sql[i + 1] == '-') || (sql[i] == '/' && sql[i + 1] == '*'))) {
      i = SkipQuotedOrComment(sql, i);
      continue;
    }
    break;
  }
  constexpr size_t kMax = 80;
  std::string flat;  // one byte more than kMax when cut, so that QuoteForMessage adds "..."
  bool space = false;
  for (; i < sql.size() && flat.size() <= kMax; ++i) {
    if (base::IsSpace(sql[i])) {
      space = true;
      continue;
    }
    if (space && !flat.empty()) flat.push_back(' ');
    space = false;
    flat.push_back(sql[i]);
  }
  return base::QuoteForMessage(flat, kMax);
}

std::string_view StatementAt(std::string_view script, size_t offset) {
  size_t start = 0;
  size_t i = 0;
  while (i < script.size()) {
    size_t j = SkipQuotedOrComment(script, i);
    if (j != i) {
      i = j;
      continue;
    }
    if (script[i] == ';') {
      if (offset <= i) return script.substr(start, i - start);
      start = i + 1;
    }
    ++i;
  }
  return script.substr(std::min(start, script.size()));
}

base::Status CheckBulkInsert(std::string_view where, std::string_view table,
                             std::span<const std::string_view> columns,
                             std::span<const std::vector<Value>> rows) {
  auto bad = [&](std::string what) {
    return base::Status::InvalidArgument(std::string(where) + ": BulkInsert into " +
                                         base::QuoteForMessage(table, 64) + ": " + what);
  };
  size_t dot = table.find('.');
  bool table_ok = dot == std::string_view::npos
                      ? IsIdentifier(table)
                      : IsIdentifier(table.substr(0, dot)) && IsIdentifier(table.substr(dot + 1));
  if (!table_ok) return bad("the table name is not a plain identifier");
  if (columns.empty()) return bad("no columns");
  for (std::string_view c : columns) {
    if (!IsIdentifier(c)) {
      return bad("column " + base::QuoteForMessage(c, 64) + " is not a plain identifier");
    }
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != columns.size()) {
      return bad("row " + std::to_string(r) + " has " + std::to_string(rows[r].size()) +
                 " values for " + std::to_string(columns.size()) + " columns");
    }
    for (size_t c = 0; c < columns.size(); ++c) {
      if (HasNul(rows[r][c])) {
        return bad("row " + std::to_string(r) + " column " + std::string(columns[c]) +
                   ": text contains a NUL byte");
      }
    }
  }
  return base::Status::Ok();
}

std::string ColumnList(std::span<const std::string_view> columns) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ", ";
    out += columns[i];
  }
  return out;
}

bool HasNul(const Value& v) {
  const auto* s = std::get_if<std::string>(&v);
  return s != nullptr && std::memchr(s->data(), '\0', s->size()) != nullptr;
}

base::Status NestedStatementError(std::string_view where, std::string_view call) {
  return base::Status::InvalidArgument(
      std::string(where) + ": " + std::string(call) +
      " called from inside a Query callback on the same connection (PostgreSQL streams the "
      "rows over it): collect the rows first, or use another connection");
}

}  // namespace internal

std::string ToPostgresParams(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  size_t i = 0;
  while (i < sql.size()) {
    size_t j = internal::SkipQuotedOrComment(sql, i);
    if (j != i) {
      out.append(sql.substr(i, j - i));
      i = j;
      continue;
    }
    if (sql[i] == '?' && i + 1 < sql.size() && base::IsDigit(sql[i + 1])) {
      out.push_back('$');
    } else {
      out.push_back(sql[i]);
    }
    ++i;
  }
  return out;
}

base::Result<std::unique_ptr<Connection>> Open(const std::string& path_or_url) {
  if (base::StartsWithIgnoreCase(path_or_url, "postgres://") ||
      base::StartsWithIgnoreCase(path_or_url, "postgresql://")) {
    return OpenPostgres(path_or_url);
  }
  return OpenSqlite(path_or_url);
}

base::Status InTransaction(Connection& conn, const std::function<base::Status()>& fn) {
  ASSAY_RETURN_IF_ERROR(conn.Begin());
  base::Status st;
  try {
    st = fn();
  } catch (...) {
    if (conn.in_transaction()) (void)conn.Rollback();
    throw;
  }
  if (st.ok()) {
    st = conn.Commit();
    if (st.ok()) return st;
  }
  // A failed statement may already have ended the transaction (SQLite rolls back by itself on
  // some errors, such as a full disk).
  if (conn.in_transaction()) (void)conn.Rollback();
  return st;
}

}  // namespace assay::findings::sql
