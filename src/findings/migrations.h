// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The state store's schema as versioned migrations, one list for both dialects. A migration's
// text uses three placeholders the dialect fills in:
//   {PK}    an auto-assigned 64-bit key: "INTEGER PRIMARY KEY" / "BIGSERIAL PRIMARY KEY"
//   {INT}   a 64-bit integer: "INTEGER" / "BIGINT"
//   {REAL}  a double: "REAL" / "DOUBLE PRECISION"
// Migrations are append-only: a released one is never edited, a change is a new one.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "findings/sql.h"

namespace assay::findings {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::span<const Migration> Migrations();

// The migration's text for `dialect`.
std::string MigrationSql(const Migration& m, sql::Dialect dialect);

// Applies the migrations newer than the database's version, each in its own transaction with
// its row in schema_migrations. NotSupported when the database is newer than this build.
// Returns the resulting version.
base::Result<int> Migrate(sql::Connection& conn, std::string_view now);

}  // namespace assay::findings
