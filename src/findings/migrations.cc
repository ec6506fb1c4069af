// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "findings/migrations.h"

#include <string>

namespace assay::findings {
namespace {

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

constexpr std::string_view kV1 = R"sql(
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  parent TEXT REFERENCES accounts(id),
  created_at TEXT NOT NULL
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  role TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_keys_account ON api_keys(account_id);

CREATE TABLE resources (
  pk {PK},
  account_id TEXT NOT NULL REFERENCES accounts(id),
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  os TEXT NOT NULL DEFAULT '{}',
  details TEXT NOT NULL DEFAULT '{}',
  collectors TEXT NOT NULL DEFAULT '[]',
  inventory_hash TEXT NOT NULL DEFAULT '',
  package_count {INT} NOT NULL DEFAULT 0,
  warning_count {INT} NOT NULL DEFAULT 0,
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  inventory_at TEXT,
  evaluated_at TEXT,
  evaluated_build TEXT,
  deleted_at TEXT,
  UNIQUE (account_id, id)
);
CREATE INDEX resources_deleted ON resources(deleted_at);
CREATE TABLE resource_tags (
  resource {INT} NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (resource, key)
);
CREATE INDEX resource_tags_kv ON resource_tags(key, value);
CREATE TABLE resource_warnings (
  resource {INT} NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
  location TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX resource_warnings_resource ON resource_warnings(resource);

CREATE TABLE packages (
  pk {PK},
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  source_name TEXT NOT NULL DEFAULT '',
  source_version TEXT NOT NULL DEFAULT '',
  context TEXT NOT NULL DEFAULT '',
  matched_build TEXT,
  UNIQUE (ecosystem, name, version, source_name, source_version, context)
);
CREATE INDEX packages_matched ON packages(matched_build, pk);
CREATE TABLE package_keys (
  ecosystem_base TEXT NOT NULL,
  name_key TEXT NOT NULL,
  pkg {INT} NOT NULL REFERENCES packages(pk),
  PRIMARY KEY (ecosystem_base, name_key, pkg)
);
CREATE INDEX package_keys_pkg ON package_keys(pkg);
CREATE TABLE resource_packages (
  resource {INT} NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
  pkg {INT} NOT NULL REFERENCES packages(pk),
  path TEXT NOT NULL DEFAULT '',
  layer TEXT NOT NULL DEFAULT '',
  arch TEXT NOT NULL DEFAULT '',
  purl TEXT NOT NULL DEFAULT '',
  package_manager TEXT NOT NULL DEFAULT '',
  dev {INT} NOT NULL DEFAULT 0
);
CREATE INDEX resource_packages_resource ON resource_packages(resource, pkg);
CREATE INDEX resource_packages_pkg ON resource_packages(pkg, resource);
CREATE TABLE package_vulns (
  pkg {INT} NOT NULL REFERENCES packages(pk),
  vuln_id TEXT NOT NULL,
  present {INT} NOT NULL DEFAULT 1,
  severity TEXT NOT NULL,
  severity_rank {INT} NOT NULL,
  score {REAL},
  fix_available TEXT NOT NULL,
  fixed_version TEXT NOT NULL DEFAULT '',
  exploit_available {INT} NOT NULL DEFAULT 0,
  epss {REAL},
  title TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  PRIMARY KEY (pkg, vuln_id)
);

CREATE TABLE findings (
  pk {PK},
  account_id TEXT NOT NULL,
  resource {INT} NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
  pkg {INT} NOT NULL,
  vuln_id TEXT NOT NULL,
  generation {INT} NOT NULL DEFAULT 1,
  status TEXT NOT NULL,
  prev_status TEXT,
  change TEXT,
  batch {INT} NOT NULL DEFAULT 0,
  severity TEXT NOT NULL,
  severity_rank {INT} NOT NULL,
  score {REAL},
  fix_available TEXT NOT NULL,
  exploit_available {INT} NOT NULL DEFAULT 0,
  epss {REAL},
  title TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  package_name TEXT NOT NULL,
  package_version TEXT NOT NULL,
  fixed_version TEXT NOT NULL DEFAULT '',
  file_path TEXT NOT NULL DEFAULT '',
  layer TEXT NOT NULL DEFAULT '',
  package_manager TEXT NOT NULL DEFAULT '',
  arch TEXT NOT NULL DEFAULT '',
  content_hash TEXT NOT NULL,
  suppressed_by TEXT,
  closed_reason TEXT,
  first_observed_at TEXT NOT NULL,
  last_observed_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  closed_at TEXT,
  UNIQUE (resource, pkg, vuln_id)
);
CREATE INDEX findings_account ON findings(account_id, pk);
CREATE INDEX findings_account_status ON findings(account_id, status, pk);
CREATE INDEX findings_account_severity ON findings(account_id, severity_rank, pk);
CREATE INDEX findings_pkg ON findings(pkg, vuln_id);
CREATE INDEX findings_vuln ON findings(vuln_id);
CREATE INDEX findings_batch ON findings(batch);
CREATE INDEX findings_closed ON findings(status, closed_at);

CREATE TABLE suppression_rules (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL,
  criteria TEXT NOT NULL,
  expires_at TEXT,
  expired_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (account_id, name)
);

CREATE TABLE events (
  seq {PK},
  account_id TEXT NOT NULL,
  type TEXT NOT NULL,
  time TEXT NOT NULL,
  resource_id TEXT NOT NULL DEFAULT '',
  finding_id TEXT NOT NULL DEFAULT '',
  status TEXT,
  previous_status TEXT,
  severity TEXT,
  vuln_id TEXT,
  ecosystem TEXT,
  package_name TEXT,
  package_version TEXT,
  title TEXT,
  reason TEXT,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_account ON events(account_id, seq);
CREATE INDEX events_time ON events(time);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

// Closed findings are found by closing time only for the purge: the index holds those rows
// alone, and inserting or updating an open finding no longer touches it.
constexpr std::string_view kV2 = R"sql(
DROP INDEX findings_closed;
CREATE INDEX findings_closed ON findings(closed_at) WHERE status = 'CLOSED';
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema", kV1},
    {2, "partial index of closed findings", kV2},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

std::string MigrationSql(const Migration& m, sql::Dialect dialect) {
  const bool pg = dialect == sql::Dialect::kPostgres;
  std::string s(m.sql);
  s = ReplaceAll(s, "{PK}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY");
  s = ReplaceAll(s, "{INT}", pg ? "BIGINT" : "INTEGER");
  s = ReplaceAll(s, "{REAL}", pg ? "DOUBLE PRECISION" : "REAL");
  return s;
}

base::Result<int> Migrate(sql::Connection& conn, std::string_view now) {
  ASSAY_RETURN_IF_ERROR(conn.ExecScript(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at TEXT NOT NULL)"));
  const int latest = kMigrations[std::size(kMigrations) - 1].version;
  int version = 0;
  for (const Migration& m : kMigrations) {
    bool applied = false;
    base::Status st = sql::InTransaction(conn, [&]() -> base::Status {
      if (conn.dialect() == sql::Dialect::kPostgres) {
        // Two servers starting at once: the second waits, then sees the migration applied.
        ASSAY_RETURN_IF_ERROR(
            conn.Exec("SELECT pg_advisory_xact_lock(7305477105385519617)", {}).status());
      }
      std::int64_t have = 0;
      ASSAY_RETURN_IF_ERROR(conn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                                       {}, [&](const sql::Row& r) {
                                         have = r.Int(0);
                                         return false;
                                       }));
      if (have > latest) {
        return base::Status::NotSupported(
            "the state store " + conn.Describe() + " has schema version " + std::to_string(have) +
            "; this assay knows versions up to " + std::to_string(latest) + ": upgrade assay");
      }
      if (have >= m.version) {
        applied = true;
        return base::Status::Ok();
      }
      ASSAY_RETURN_IF_ERROR(conn.ExecScript(MigrationSql(m, conn.dialect())));
      ASSAY_RETURN_IF_ERROR(
          conn.Exec("INSERT INTO schema_migrations (version, name, applied_at) "
                    "VALUES (?1, ?2, ?3)",
                    {sql::Value(std::int64_t{m.version}), sql::Value(std::string(m.name)),
                     sql::Value(std::string(now))})
              .status());
      return base::Status::Ok();
    });
    if (!st.ok()) {
      return base::Status(st.code(), "migration " + std::to_string(m.version) + " (" +
                                         std::string(m.name) + "): " + st.message());
    }
    (void)applied;
    version = m.version;
  }
  return version;
}

}  // namespace assay::findings
