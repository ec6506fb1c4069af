// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Private to the SQL seam (sql.cc, sql_sqlite.cc, sql_postgres.cc): the helpers both drivers
// share, so that their checks and messages are the same.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "findings/sql.h"

namespace assay::findings::sql::internal {

// The index just past the quoted string ('...'), quoted identifier ("..."), dollar-quoted body
// ($tag$...$tag$), line comment (-- ...) or block comment (/* ... */) that starts at `i`, or `i`
// itself when none starts there. Unterminated ones run to the end of `sql`.
size_t SkipQuotedOrComment(std::string_view sql, size_t i);

// The statement for an error message: leading blanks and comments dropped, runs of whitespace
// collapsed to one space, at most 80 bytes, in double quotes.
std::string QuoteStatement(std::string_view sql);

// The statement of a `;`-separated script that contains byte `offset`.
std::string_view StatementAt(std::string_view script, size_t offset);

// Checks what BulkInsert interpolates into SQL: `table` and `columns` must be plain identifiers
// ([A-Za-z_][A-Za-z0-9_]*, the table optionally "schema.table"), at least one column, and
// every row as wide as `columns`. `where` names the connection.
base::Status CheckBulkInsert(std::string_view where, std::string_view table,
                             std::span<const std::string_view> columns,
                             std::span<const std::vector<Value>> rows);

// "a, b, c".
std::string ColumnList(std::span<const std::string_view> columns);

// Whether `v` is text containing a NUL byte: both drivers refuse those (PostgreSQL cannot store
// one, and SQLite's SQL functions would cut the text there).
bool HasNul(const Value& v);

// The error for a statement run from inside a Query callback on the same connection.
base::Status NestedStatementError(std::string_view where, std::string_view call);

}  // namespace assay::findings::sql::internal
