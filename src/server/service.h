// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The findings service: the `/v1/` HTTP API (api/openapi.yaml) over the state store and the
// evaluator, plus `/healthz` and `/metrics`. Transport-free: Handle() takes a parsed request and
// returns a response, so base::HttpServer serves it and tests can call it directly.
//
// Authentication: `Authorization: Bearer <key>` (or `X-Api-Key: <key>`) on every `/v1/` call;
// a missing or unknown key is 401. Authorisation: read-only keys read (GET, and the read-only
// POSTs list, aggregate and report); analyst keys also upload inventories, delete resources and
// manage suppression rules; admin keys also manage accounts and keys. Every read is limited to
// the key's visible accounts (its own, and its members' for an organisation's admin account);
// an object of another account is 404, never 403, so ids of other tenants cannot be probed.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "advisories/db.h"
#include "assess/evaluator.h"
#include "base/http_server.h"
#include "base/metrics.h"
#include "base/status.h"
#include "findings/store.h"

namespace assay::server {

// The advisory DB the service evaluates against, replaced when `assay db update` renames a new
// build into place: Refresh() opens the new build, re-evaluates what changed between the two
// builds (assess::Evaluator::ApplyDbChange) and then swaps it in.
class AdvisoryState {
 public:
  struct Current {
    std::unique_ptr<advisories::AdvisoryDb> db;
    std::unique_ptr<assess::Evaluator> evaluator;
    std::string build_id;
    std::string build_time;
  };

  AdvisoryState(findings::Store& store, std::filesystem::path db_path);

  // Opens the DB. When the store was last evaluated against another build (or never), every
  // stored package is matched again (RematchAll).
  base::Result<std::optional<assess::EvalStats>> Load(std::string_view now);
  // When the file now holds another build: applies the delta and swaps. nullopt = unchanged.
  base::Result<std::optional<assess::EvalStats>> Refresh(std::string_view now);
  std::shared_ptr<const Current> current() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  base::Result<std::shared_ptr<Current>> OpenCurrent();

  findings::Store& store_;
  std::filesystem::path path_;
  mutable std::mutex mu_;
  std::shared_ptr<const Current> current_;  // guarded by mu_
  std::mutex refresh_mu_;                   // one refresh at a time
};

struct ServiceOptions {
  // RFC 3339 UTC "now"; tests pass a controllable clock.
  std::function<std::string()> clock;
  // An inventory older than this is STALE_INVENTORY in coverage.
  std::chrono::seconds stale_after = std::chrono::hours(24 * 7);
  int max_report_rows = 1000000;
};

class Service {
 public:
  Service(findings::Store& store, AdvisoryState& advisories, base::MetricsRegistry* metrics,
          ServiceOptions options);
  ~Service();

  base::HttpServerResponse Handle(const base::HttpServerRequest& request);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";
  std::string database;  // SQLite path or postgres:// URL
  std::filesystem::path advisory_db;
  int workers = 8;
  int io_threads = 1;
  std::chrono::seconds db_poll{30};  // how often the advisory DB file is checked for a new build
  std::chrono::seconds maintenance{300};  // rule expiry and purge
  // Called once listening, with the bound address ("127.0.0.1:43125").
  std::function<void(const std::string&)> on_listening;
};

// Runs the service until `stop` becomes true (or SIGTERM/SIGINT when `handle_signals`):
// opens the store and the advisory DB, listens, re-evaluates on DB changes, expires
// suppression rules and purges on schedule, then drains in-flight requests.
base::Status RunServer(const ServerOptions& options, std::atomic<bool>& stop);

}  // namespace assay::server
