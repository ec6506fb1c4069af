// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors

// GCC 12 reports moves of std::optional<assess::EvalStats> as maybe-uninitialized (a known
// false positive of its optional/vector analysis at -O2).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <chrono>
#include <thread>

#include "base/log.h"
#include "server/service.h"

namespace assay::server {

base::Status RunServer(const ServerOptions& options, std::atomic<bool>& stop) {
  auto now = [] { return findings::FormatTime(std::chrono::system_clock::now()); };
  findings::StoreOptions so;
  so.connections = std::max(2, options.workers);
  ASSAY_ASSIGN_OR_RETURN(auto store, findings::Store::Open(options.database, so));
  base::LogLine(base::LogLevel::kInfo, "state store: " + store->Describe());
  AdvisoryState advisories(*store, options.advisory_db);
  ASSAY_ASSIGN_OR_RETURN(auto loaded, advisories.Load(now()));
  if (loaded) {
    base::LogLine(base::LogLevel::kInfo,
                  "re-evaluated every stored package against advisory build " +
                      advisories.current()->build_id + ": " +
                      std::to_string(loaded->packages_matched) + " packages, " +
                      std::to_string(loaded->changes.events) + " events");
  }
  base::MetricsRegistry metrics;
  Service service(*store, advisories, &metrics, ServiceOptions{});
  base::HttpServerOptions ho;
  ho.listen = options.listen;
  ho.worker_threads = options.workers;
  ho.io_threads = options.io_threads;
  ho.metrics = &metrics;
  ASSAY_ASSIGN_OR_RETURN(
      auto http, base::HttpServer::Start(ho, [&](const auto& req) { return service.Handle(req); }));
  base::LogLine(base::LogLevel::kInfo, "listening on " + http->address());
  if (options.on_listening) options.on_listening(http->address());

  auto last_poll = std::chrono::steady_clock::now();
  auto last_maintenance = std::chrono::steady_clock::time_point{};
  while (!stop.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto t = std::chrono::steady_clock::now();
    if (t - last_poll >= options.db_poll) {
      last_poll = t;
      auto refreshed = advisories.Refresh(now());
      if (!refreshed.ok()) {
        base::LogLine(base::LogLevel::kWarning,
                      "advisory DB check failed: " + refreshed.status().ToString());
      } else if (*refreshed) {
        const auto& s = **refreshed;
        base::LogLine(base::LogLevel::kInfo,
                      "advisory build " + advisories.current()->build_id + ": " +
                          std::to_string(s.advisories_changed) + " advisories changed, " +
                          std::to_string(s.packages_matched) + " packages re-matched, " +
                          std::to_string(s.changes.events) + " events");
      }
    }
    if (t - last_maintenance >= options.maintenance) {
      last_maintenance = t;
      auto exp = store->ExpireSuppressionRules(now());
      if (!exp.ok())
        base::LogLine(base::LogLevel::kWarning, "rule expiry failed: " + exp.status().ToString());
      auto purge = store->Purge(now());
      if (!purge.ok())
        base::LogLine(base::LogLevel::kWarning, "purge failed: " + purge.status().ToString());
    }
  }
  base::LogLine(base::LogLevel::kInfo, "stopping: draining requests");
  http->Stop();
  return base::Status::Ok();
}

}  // namespace assay::server
