// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// bench/server: the findings service (server::RunServer, in this process, on loopback) at
// 1,000,000 stored findings, on SQLite and on PostgreSQL, loaded with `wrk`.
//
//   assay_bench_server [--findings N] [--backend sqlite|postgres|both] [--duration S]
//                      [--upload-connections C] [--list-connections C] [--workers W]
//                      [--cache DIR] [--data DIR] [--only TEST,...]
//
// Inputs, all real:
//  - the advisory DB: the shared OSV mirror (data/osv-mirror) with the enrichment folder, built
//    once with advisories::UpdateDb and kept in the cache directory;
//  - inventories: the OS package databases and lockfiles of data/scan-targets, collected with
//    inventory::CollectInventory as `assay scan rootfs` does. Resource i (seeded, so both
//    backends get the same fleet) is one OS base in which each package is dropped with
//    probability 1 % and moved to a newer version with probability 3 %, plus 0 to 3 lockfiles.
//
// Setup: resources are submitted through assess::Evaluator (the code path behind
// POST /v1/inventories, without HTTP) until the store holds N findings; the SQLite store is
// cached per (N, advisory build). Then the service starts with 8 workers and wrk measures:
//   upload (new)              POST /v1/inventories, a new resource id per request (64 fleet
//                             inventories in turn), analyst key
//   upload (unchanged)        POST /v1/inventories of 256 stored resources with the inventory
//                             they have (what an agent sends every cycle)
//   findings list             GET /v1/findings?maxResults=100, read-only key
//   findings list severity    the same with severity=CRITICAL
//   findings list nextToken   the same, each request with the nextToken of the previous
//                             response of its wrk thread (from the first page when it was the last)
// Lists run first, at N findings; `findings` is the count when each test started. p50 / p99 are
// wrk's latency percentiles (connect to last byte) at the connection count given.
//
// Targets (issue): >= 1,000 uploads/s; findings list p99 <= 20 ms on SQLite, <= 50 ms on
// PostgreSQL.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "advisories/db.h"
#include "advisories/feed.h"
#include "advisories/update.h"
#include "api/codec.h"
#include "assess/evaluator.h"
#include "base/file.h"
#include "base/log.h"
#include "base/status.h"
#include "base/testing/postgres.h"
#include "fleet.h"
#include "findings/sql.h"
#include "findings/store.h"
#include "inventory/collector.h"
#include "inventory/fs.h"
#include "server/service.h"

namespace assay::bench {
namespace {

namespace fs = std::filesystem;
using base::Result;
using base::Status;

constexpr int kBenchRevision = 2;  // 2: the fleet of bench/fleet.h
constexpr int kNewBodies = 64;
constexpr int kSameBodies = 256;
constexpr const char* kAccount = "fleet";
constexpr const char* kNowSetup = "2026-11-25T00:00:00Z";

struct Options {
  std::int64_t findings = 1000000;
  std::string backend = "both";
  int duration = 20;
  int upload_connections = 8;
  int list_connections = 4;
  int workers = 8;
  std::uint64_t seed = 1;
  fs::path cache;
  fs::path data;
  std::set<std::string> only;  // test names; empty = all
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "server bench: %s\n", what.c_str());
  std::exit(1);
}

void Check(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

template <typename T>
T Take(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.status().ToString());
  return std::move(r).value();
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

fs::path SelfDir() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) Die("cannot read /proc/self/exe: " + ec.message());
  return p.parent_path();
}

fs::path SharedData() {
  if (const char* e = std::getenv("ASSAY_SHARED_DATA_DIR"); e != nullptr && *e != '\0') return e;
  return fs::path(ASSAY_SOURCE_DIR) / ".." / "shared" / "data";
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  o.cache = SelfDir() / "server-cache";
  o.data = SharedData();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    auto number = [&](std::int64_t min) {
      std::string v = value();
      std::int64_t n = std::strtoll(v.c_str(), nullptr, 10);
      if (n < min) Die(a + " must be at least " + std::to_string(min));
      return n;
    };
    if (a == "--findings") {
      o.findings = number(1);
    } else if (a == "--backend") {
      o.backend = value();
      if (o.backend != "sqlite" && o.backend != "postgres" && o.backend != "both") {
        Die("--backend: sqlite, postgres or both");
      }
    } else if (a == "--duration") {
      o.duration = static_cast<int>(number(1));
    } else if (a == "--upload-connections") {
      o.upload_connections = static_cast<int>(number(1));
    } else if (a == "--list-connections") {
      o.list_connections = static_cast<int>(number(1));
    } else if (a == "--workers") {
      o.workers = static_cast<int>(number(1));
    } else if (a == "--seed") {
      o.seed = static_cast<std::uint64_t>(number(0));
    } else if (a == "--cache") {
      o.cache = value();
    } else if (a == "--data") {
      o.data = value();
    } else if (a == "--only") {
      std::string v = value();
      std::stringstream ss(v);
      for (std::string t; std::getline(ss, t, ',');) o.only.insert(t);
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "usage: %s [--findings N] [--backend sqlite|postgres|both] [--duration S]\n"
          "          [--upload-connections C] [--list-connections C] [--workers W] [--seed S]\n"
          "          [--cache DIR] [--data SHARED_DATA_DIR]\n"
          "          [--only upload-new,upload-same,list,list-severity,list-next]\n",
          argv[0]);
      std::exit(0);
    } else {
      Die("unknown argument " + a + " (see --help)");
    }
  }
  return o;
}

// ---- the fleet (bench/fleet.h) -----------------------------------------------------------------

api::InventoryUpload Upload(const Fleet& fleet, std::int64_t i) {
  FleetResource fr = fleet.Make(i);
  return {std::move(fr.input), std::move(fr.inv)};
}

// ---- the advisory DB ---------------------------------------------------------------------------

std::string InputStamp(const Options& o) {
  std::ostringstream s;
  s << "rev " << kBenchRevision << "\n";
  std::vector<fs::path> files;
  for (const char* sub : {"osv-mirror", "enrichment"}) {
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(o.data / sub, ec)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) continue;
    s << f.string() << " " << st.st_size << " " << st.st_mtim.tv_sec << "\n";
  }
  return s.str();
}

fs::path AdvisoryDb(const Options& o) {
  const fs::path db = o.cache / "advisories.db";
  const fs::path stamp_file = o.cache / "advisories.stamp";
  const std::string stamp = InputStamp(o);
  if (fs::exists(db) && base::ReadFile(stamp_file).value_or("") == stamp) return db;
  auto source = Take(advisories::MakeDirectoryFeedSource(o.data / "osv-mirror"), "mirror");
  advisories::UpdateOptions uo;
  uo.db_path = db;
  uo.force = true;
  const fs::path enrichment = o.data / "enrichment";
  if (fs::is_directory(enrichment)) {
    uo.load_enrichment = [enrichment] { return advisories::LoadEnrichmentDir(enrichment); };
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto r = Take(advisories::UpdateDb(*source, uo), "build the advisory DB");
  std::fprintf(stderr, "server bench: advisory DB: %" PRId64 " records, %.1f s\n", r.total_records,
               Seconds(t0));
  Check(base::WriteFileAtomic(stamp_file, stamp), "write " + stamp_file.string());
  return db;
}

// ---- setup -------------------------------------------------------------------------------------

std::int64_t CountRows(const std::string& database, const std::string& sql) {
  auto c = Take(findings::sql::Open(database), "open " + database);
  std::int64_t n = 0;
  Check(c->Query(sql, {},
                 [&](const findings::sql::Row& r) {
                   n = r.Int(0);
                   return false;
                 }),
        sql);
  return n;
}

struct Setup {
  std::int64_t resources = 0;
  std::int64_t findings = 0;
  double wall = 0;
  bool cached = false;
};

// Submits fleet resources until the store holds `o.findings` findings.
Setup Populate(const Options& o, const Fleet& fleet, const std::string& database,
               const fs::path& advisory_db) {
  Setup s;
  auto db = Take(advisories::AdvisoryDb::Open(advisory_db), "open the advisory DB");
  auto store = Take(findings::Store::Open(database), "open " + database);
  Take(store->CreateAccount({kAccount, "Fleet", "", ""}, kNowSetup), "create account");
  assess::Evaluator ev(*store, *db);
  Check(ev.Init(), "evaluator");
  const auto t0 = std::chrono::steady_clock::now();
  auto last = t0;
  while (s.findings < o.findings) {
    api::InventoryUpload u = Upload(fleet, s.resources);
    auto r = Take(ev.Submit(u.resource, u.inventory, kNowSetup), "submit " + u.resource.id);
    s.findings += r.stats.changes.created;
    ++s.resources;
    if (Seconds(last) > 10) {
      last = std::chrono::steady_clock::now();
      std::fprintf(stderr, "server bench:   %" PRId64 " resources, %" PRId64 " findings, %.0f s\n",
                   s.resources, s.findings, Seconds(t0));
    }
  }
  // The server re-matches everything at start unless the store says it is current.
  Check(store->PutMeta("advisory_build", ev.build_id()), "advisory_build");
  s.wall = Seconds(t0);
  return s;
}

// ---- wrk ---------------------------------------------------------------------------------------

constexpr const char* kLuaDone = R"lua(
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %.1f %.1f\n", summary.requests, summary.duration,
                         e.status, e.connect + e.read + e.write + e.timeout,
                         latency:percentile(50), latency:percentile(99)))
end
)lua";

// args: key, body directory, body count, a tag that makes resource ids unique.
constexpr const char* kLuaUploadNew = R"lua(
local bodies = {}
local counter = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
init = function(args)
  local dir, n = args[2], tonumber(args[3])
  tag = args[4]
  for k = 0, n - 1 do
    local f = assert(io.open(dir .. "/new-" .. k .. ".json", "rb"))
    local s = f:read("*a")
    f:close()
    local a, b = s:find("@ID@", 1, true)
    bodies[#bodies + 1] = {s:sub(1, a - 1), s:sub(b + 1)}
  end
  wrk.method = "POST"
  wrk.path = "/v1/inventories"
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  wrk.headers["Content-Type"] = "application/json"
end
request = function()
  counter = counter + 1
  local b = bodies[(counter % #bodies) + 1]
  return wrk.format(nil, nil, nil, b[1] .. "host:new-" .. tag .. "-" .. tid .. "-" .. counter .. b[2])
end
)lua";

// args: key, body directory, body count.
constexpr const char* kLuaUploadSame = R"lua(
local bodies = {}
local counter = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
init = function(args)
  local dir, n = args[2], tonumber(args[3])
  for k = 0, n - 1 do
    local f = assert(io.open(dir .. "/same-" .. k .. ".json", "rb"))
    bodies[#bodies + 1] = f:read("*a")
    f:close()
  end
  counter = tid * 7919
  wrk.method = "POST"
  wrk.path = "/v1/inventories"
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  wrk.headers["Content-Type"] = "application/json"
end
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, bodies[(counter % #bodies) + 1])
end
)lua";

// args: key, path and query.
constexpr const char* kLuaList = R"lua(
init = function(args)
  wrk.method = "GET"
  wrk.path = args[2]
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end
)lua";

// args: key, path and query; follows nextToken.
constexpr const char* kLuaListNext = R"lua(
local token = nil
init = function(args)
  base = args[2]
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end
request = function()
  if token then return wrk.format("GET", base .. "&nextToken=" .. token) end
  return wrk.format("GET", base)
end
response = function(status, headers, body)
  token = body:match('"nextToken":"([^"]+)"')
end
)lua";

struct WrkResult {
  std::int64_t requests = 0;
  double seconds = 0;
  std::int64_t status_errors = 0;
  std::int64_t socket_errors = 0;
  double p50_ms = 0, p99_ms = 0;
  double rps() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
};

WrkResult RunWrk(const fs::path& script, const std::string& address, int threads, int connections,
                 int seconds, const std::vector<std::string>& args) {
  std::string cmd = "wrk -t" + std::to_string(threads) + " -c" + std::to_string(connections) +
                    " -d" + std::to_string(seconds) + "s --timeout 30s -s " + script.string() +
                    " http://" + address + "/ --";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) Die("cannot run wrk");
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int rc = ::pclose(p);
  WrkResult r;
  const size_t at = out.find("RESULT ");
  if (rc != 0 || at == std::string::npos) Die("wrk failed (" + cmd + "):\n" + out);
  long long req = 0, us = 0, st = 0, so = 0;
  double p50 = 0, p99 = 0;
  if (std::sscanf(out.c_str() + at, "RESULT %lld %lld %lld %lld %lf %lf", &req, &us, &st, &so, &p50,
                  &p99) != 6) {
    Die("cannot parse wrk output:\n" + out);
  }
  r.requests = req;
  r.seconds = static_cast<double>(us) / 1e6;
  r.status_errors = st;
  r.socket_errors = so;
  r.p50_ms = p50 / 1000.0;
  r.p99_ms = p99 / 1000.0;
  return r;
}

// ---- one backend -------------------------------------------------------------------------------

struct Row {
  std::string backend;
  std::int64_t findings = 0;
  std::string test;
  WrkResult r;
  int connections = 0;
};

class RunningServer {
 public:
  RunningServer(const std::string& database, const fs::path& advisory_db, int workers) {
    opts_.listen = "127.0.0.1:0";
    opts_.database = database;
    opts_.advisory_db = advisory_db;
    opts_.workers = workers;
    opts_.db_poll = std::chrono::seconds(3600);
    opts_.maintenance = std::chrono::seconds(3600);
    opts_.on_listening = [this](const std::string& a) {
      std::lock_guard<std::mutex> l(mu_);
      address_ = a;
      cv_.notify_all();
    };
    thread_ = std::thread([this] {
      Status st = server::RunServer(opts_, stop_);
      std::lock_guard<std::mutex> l(mu_);
      status_ = st;
      done_ = true;
      cv_.notify_all();
    });
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !address_.empty() || done_; });
    if (done_) Die("the server did not start: " + status_.ToString());
  }
  ~RunningServer() {
    stop_ = true;
    thread_.join();
  }
  const std::string& address() const { return address_; }

 private:
  server::ServerOptions opts_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string address_;
  Status status_;
  bool done_ = false;
};

void WriteFile(const fs::path& p, const std::string& text) {
  Check(base::WriteFileAtomic(p, text), "write " + p.string());
}

std::vector<Row> RunBackend(const Options& o, const std::string& backend, const Fleet& fleet,
                            const fs::path& advisory_db, std::vector<std::string>& notes) {
  std::vector<Row> rows;
  const fs::path work = o.cache / ("run-" + backend);
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work);
  std::optional<testing::PostgresServer> pg;
  std::string database;
  Setup setup;
  const std::string build =
      Take(Take(advisories::AdvisoryDb::Open(advisory_db), "open the advisory DB")->GetBuildInfo(),
           "build info")
          .build_id;
  if (backend == "sqlite") {
    // The populated store is kept per (findings, seed, advisory build); each run works on a copy.
    const std::string key =
        std::to_string(o.findings) + "-seed" + std::to_string(o.seed) + "-" + build.substr(0, 16);
    const fs::path pristine = o.cache / ("store-" + key + ".db");
    const fs::path meta = o.cache / ("store-" + key + ".json");
    if (!fs::exists(pristine) || !fs::exists(meta)) {
      fs::remove(pristine, ec);
      std::fprintf(stderr, "server bench: sqlite: loading %" PRId64 " findings ...\n", o.findings);
      setup = Populate(o, fleet, pristine.string(), advisory_db);
      {
        auto c = Take(findings::sql::Open(pristine.string()), "open " + pristine.string());
        Check(c->ExecScript("PRAGMA wal_checkpoint(TRUNCATE)"), "checkpoint");
      }
      WriteFile(meta, std::to_string(setup.resources) + " " + std::to_string(setup.findings) + " " +
                          std::to_string(setup.wall));
    } else {
      std::istringstream in(base::ReadFile(meta).value_or(""));
      in >> setup.resources >> setup.findings >> setup.wall;
      setup.cached = true;
    }
    database = (work / "store.db").string();
    fs::copy_file(pristine, database, fs::copy_options::overwrite_existing);
  } else {
    if (!testing::PostgresServer::Available()) {
      notes.push_back("postgres: skipped: " + testing::PostgresServer::UnavailableReason());
      return rows;
    }
    pg.emplace();
    auto started = pg->Start();
    if (!started) Die(std::string("PostgreSQL: ") + started.message());
    if (!pg->NewDatabase("bench_server", &database)) Die("PostgreSQL: createdb failed");
    std::fprintf(stderr, "server bench: postgres: loading %" PRId64 " findings ...\n", o.findings);
    setup = Populate(o, fleet, database, advisory_db);
    auto c = Take(findings::sql::Open(database), "open " + database);
    Check(c->ExecScript("VACUUM ANALYZE"), "vacuum analyze");
  }
  char line[256];
  std::snprintf(line, sizeof line,
                "%s setup: %" PRId64 " resources submitted for %" PRId64
                " findings (%.1f per resource) in %.0f s%s",
                backend.c_str(), setup.resources, setup.findings,
                static_cast<double>(setup.findings) / static_cast<double>(setup.resources),
                setup.wall, setup.cached ? " (cached store)" : "");
  notes.push_back(line);

  // Keys and request bodies.
  std::string analyst, reader;
  {
    auto store = Take(findings::Store::Open(database), "open " + database);
    analyst =
        Take(store->CreateApiKey(kAccount, findings::Role::kAnalyst, "bench", kNowSetup), "key")
            .secret;
    reader =
        Take(store->CreateApiKey(kAccount, findings::Role::kReadOnly, "bench", kNowSetup), "key")
            .secret;
  }
  std::int64_t body_bytes = 0;
  for (int k = 0; k < kNewBodies; ++k) {
    api::InventoryUpload u = Upload(fleet, setup.resources + k);
    u.resource.id = "@ID@";
    u.resource.name = "";
    std::string text = api::InventoryUploadToJson(u).dump();
    body_bytes += static_cast<std::int64_t>(text.size());
    WriteFile(work / ("new-" + std::to_string(k) + ".json"), text);
  }
  const int same = static_cast<int>(std::min<std::int64_t>(kSameBodies, setup.resources));
  for (int k = 0; k < same; ++k) {
    WriteFile(work / ("same-" + std::to_string(k) + ".json"),
              api::InventoryUploadToJson(Upload(fleet, k)).dump());
  }
  WriteFile(work / "upload-new.lua", std::string(kLuaUploadNew) + kLuaDone);
  WriteFile(work / "upload-same.lua", std::string(kLuaUploadSame) + kLuaDone);
  WriteFile(work / "list.lua", std::string(kLuaList) + kLuaDone);
  WriteFile(work / "list-next.lua", std::string(kLuaListNext) + kLuaDone);
  notes.push_back(backend + " upload bodies: " + std::to_string(body_bytes / kNewBodies / 1024) +
                  " KiB on average");

  RunningServer server(database, advisory_db, o.workers);
  const std::string count_sql = "SELECT COUNT(*) FROM findings";
  auto run = [&](const std::string& name, const std::string& test, const char* script, int threads,
                 int connections, const std::vector<std::string>& args) {
    if (!o.only.empty() && !o.only.count(name)) return;
    Row row;
    row.backend = backend;
    row.test = test;
    row.connections = connections;
    row.findings = CountRows(database, count_sql);
    std::fprintf(stderr, "server bench: %s %s ...\n", backend.c_str(), test.c_str());
    // A short unrecorded run first: caches, connection pools, prepared statements.
    (void)RunWrk(work / script, server.address(), threads, connections, 2, args);
    row.r = RunWrk(work / script, server.address(), threads, connections, o.duration, args);
    std::fprintf(stderr, "server bench: %s %s: %.0f req/s, p50 %.1f ms, p99 %.1f ms\n",
                 backend.c_str(), test.c_str(), row.r.rps(), row.r.p50_ms, row.r.p99_ms);
    if (row.r.status_errors || row.r.socket_errors) {
      notes.push_back(backend + " " + test + ": " + std::to_string(row.r.status_errors) +
                      " non-2xx responses, " + std::to_string(row.r.socket_errors) +
                      " socket errors");
    }
    rows.push_back(row);
  };
  const std::string list = "/v1/findings?maxResults=100";
  run("list", "findings list", "list.lua", 1, o.list_connections, {reader, list});
  run("list-severity", "findings list severity", "list.lua", 1, o.list_connections,
      {reader, list + "&severity=CRITICAL"});
  run("list-next", "findings list nextToken", "list-next.lua", 1, o.list_connections,
      {reader, list});
  run("upload-same", "upload (unchanged)", "upload-same.lua", 2, o.upload_connections,
      {analyst, work.string(), std::to_string(same)});
  const std::int64_t before_new = CountRows(database, count_sql);
  run("upload-new", "upload (new)", "upload-new.lua", 2, o.upload_connections,
      {analyst, work.string(), std::to_string(kNewBodies), std::to_string(::getpid())});
  const std::int64_t after_new = CountRows(database, count_sql);
  if (after_new > before_new) {
    notes.push_back(backend + " upload (new) added " + std::to_string(after_new - before_new) +
                    " findings (warm-up included)");
  }
  // Table order: uploads first.
  const std::vector<std::string> order = {"upload (new)", "upload (unchanged)", "findings list",
                                          "findings list severity", "findings list nextToken"};
  auto rank = [&](const Row& r) {
    return std::find(order.begin(), order.end(), r.test) - order.begin();
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const Row& a, const Row& b) { return rank(a) < rank(b); });
  if (pg) {
    notes.push_back(
        backend + " store after the run: " +
        std::to_string(CountRows(database, "SELECT pg_database_size(current_database())") /
                       1000000) +
        " MB");
  } else {
    notes.push_back(backend + " store after the run: " +
                    std::to_string(fs::file_size(database) / 1000000) + " MB");
  }
  fs::remove_all(work, ec);
  return rows;
}

int Main(int argc, char** argv) {
  Options o = ParseArgs(argc, argv);
  if (!fs::is_directory(o.data / "osv-mirror")) {
    Die("no OSV mirror in " + o.data.string() + " (set ASSAY_SHARED_DATA_DIR or --data)");
  }
  if (std::system("command -v wrk >/dev/null 2>&1") != 0) {
    Die("wrk not found (Debian: apt-get install wrk)");
  }
  base::SetLogLevel(base::LogLevel::kWarning);
  fs::create_directories(o.cache);
  o.cache = fs::canonical(o.cache);
  const fs::path advisory_db = AdvisoryDb(o);
  const Pools pools = LoadPools(o.data, {});
  const Fleet fleet{pools, o.seed, kAccount};
  std::vector<Row> rows;
  std::vector<std::string> notes;
  for (const char* b : {"sqlite", "postgres"}) {
    if (o.backend != "both" && o.backend != b) continue;
    auto r = RunBackend(o, b, fleet, advisory_db, notes);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  std::printf("%-9s %-10s %-25s %8s %8s %8s %5s\n", "backend", "findings", "test", "req/s",
              "p50 ms", "p99 ms", "conns");
  for (const Row& r : rows) {
    std::printf("%-9s %-10" PRId64 " %-25s %8.0f %8.1f %8.1f %5d\n", r.backend.c_str(), r.findings,
                r.test.c_str(), r.r.rps(), r.r.p50_ms, r.r.p99_ms, r.connections);
  }
  std::printf("\n");
  for (const auto& n : notes) std::printf("%s\n", n.c_str());
  std::printf(
      "%zu OS bases, %zu lockfiles; %d s per test after a 2 s warm-up; %d server workers; "
      "targets: >= 1,000 uploads/s, list p99 <= 20 ms (SQLite), <= 50 ms (PostgreSQL); "
      "%u cores; load average %s\n",
      pools.bases.size(), pools.lockfiles.size(), o.duration, o.workers,
      static_cast<unsigned>(::sysconf(_SC_NPROCESSORS_ONLN)),
      base::ReadFile("/proc/loadavg").value_or("?").substr(0, 14).c_str());
  return 0;
}

}  // namespace
}  // namespace assay::bench

int main(int argc, char** argv) { return assay::bench::Main(argc, argv); }
