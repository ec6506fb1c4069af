// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Shared by the store's source files (store.cc, store_inventory.cc, store_eval.cc,
// store_query.cc); not part of the module's interface.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "findings/filter.h"
#include "findings/sql.h"
#include "findings/store.h"

namespace assay::findings {

namespace internal {

// The parsed detail of a stored match (package_vulns.detail), shared by every finding of that
// package and vulnerability. Keyed by (package, vulnerability, content hash): a changed match has
// a new hash, so an entry is never stale, only unused.
class DetailCache {
 public:
  explicit DetailCache(size_t capacity) : capacity_(capacity) {}
  std::shared_ptr<const model::Finding> Get(std::int64_t pkg, const std::string& vuln,
                                            const std::string& hash);
  void Put(std::int64_t pkg, const std::string& vuln, const std::string& hash,
           std::shared_ptr<const model::Finding> detail);

 private:
  static std::string Key(std::int64_t pkg, const std::string& vuln, const std::string& hash);
  using Lru = std::list<std::pair<std::string, std::shared_ptr<const model::Finding>>>;
  size_t capacity_;
  std::mutex mu_;
  Lru lru_;  // most recently used first
  std::unordered_map<std::string, Lru::iterator> index_;
};

}  // namespace internal

struct Store::Impl {
  StoreOptions options;
  sql::Dialect dialect = sql::Dialect::kSqlite;
  std::string describe;
  int schema_version = 0;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::unique_ptr<sql::Connection>> idle;  // guarded by mu
  // Writers of this process take turns: SQLite allows one writer anyway, and on PostgreSQL it
  // keeps two evaluations of the same packages from deadlocking on row locks.
  std::mutex write_mu;
  internal::DetailCache details{20000};

  // SQLite: the WAL is copied back into the database by this thread every kCheckpointEvery (a
  // passive checkpoint: it never waits for or blocks a writer), so that commits do not pay for
  // it, and a page written by many transactions in between is copied once. The connections'
  // own automatic checkpoint stays as a backstop at a larger WAL.
  std::unique_ptr<sql::Connection> checkpoint_conn;
  std::thread checkpointer;
  std::mutex checkpoint_mu;
  std::condition_variable checkpoint_cv;
  bool stopping = false;  // guarded by checkpoint_mu

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl();
  void StartCheckpointer(std::unique_ptr<sql::Connection> conn);
};

namespace internal {

using Params = std::vector<sql::Value>;
using Conn = sql::Connection;

// A finding's lastObservedAt. An open finding was observed at its resource's last evaluation,
// kept on the resource row (an evaluation that changes nothing in a finding writes nothing to
// it); the column holds the time of the finding's own last change and, once it is CLOSED, the
// time it was last observed. Used in SELECT lists and filters, and as the value to set when
// closing (SET expressions see the row as it was).
inline constexpr std::string_view kLastObservedSql =
    "(CASE WHEN findings.status <> 'CLOSED' AND (SELECT lr.evaluated_at FROM resources lr WHERE "
    "lr.pk = findings.resource) > findings.last_observed_at THEN (SELECT lr.evaluated_at FROM "
    "resources lr WHERE lr.pk = findings.resource) ELSE findings.last_observed_at END)";

// One pooled connection for the scope of a call.
class Lease {
 public:
  explicit Lease(Store::Impl& impl);
  ~Lease();
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  sql::Connection& conn() { return *conn_; }

 private:
  Store::Impl& impl_;
  std::unique_ptr<sql::Connection> conn_;
};

std::string RandomHex(size_t bytes);
std::int64_t RandomBatch();
// "(?first,?first+1,...)" with `count` placeholders.
std::string InList(int first, int count);

// The SQL column of each filter criterion over the `findings` table (referenced by its name,
// without an alias, so the same text works in SELECT, UPDATE and subqueries).
const SqlColumns& FindingColumns();

// The criteria as an SQL condition whose parameters start at `first` (appended to `params`).
base::Result<std::string> CriteriaSql(const FilterCriteria& criteria, sql::Dialect dialect,
                                      int first, Params& params);

// Applies the unexpired suppression rules of the accounts having rows in `batch` to those
// rows that are ACTIVE (marking them SUPPRESSED), then writes the batch's events and returns
// the counts. Runs inside the caller's transaction.
base::Result<ChangeStats> FinishBatch(sql::Connection& c, std::int64_t batch, std::string_view now);

// Suppresses ACTIVE findings of `account` matching its unexpired rules; `batch_only` limits to
// rows of `batch` (else every finding of the account, marking them with `batch`).
base::Status ApplyRules(sql::Connection& c, const std::string& account, std::int64_t batch,
                        bool batch_only, std::string_view now);

// "CASE WHEN batch = ?B THEN x ELSE y END" bookkeeping of the first change in a batch.
std::string MarkChange(int batch_param, std::string_view change);

}  // namespace internal
}  // namespace assay::findings
