// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// `assay registry watch` and `assay scan registry`: flag parsing, signals and printing around
// the library in registry_watch.h.
//
// AddRegistry adds `registry` to the app and `registry` under the `scan` verb, so it must run
// after AddScan (main.cc's list has it after AddScan).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/log.h"
#include "cli/commands.h"
#include "cli/registry_watch.h"
#include "report/render.h"

namespace assay::cli {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

struct WatchArgs {
  std::string listen;
  std::string results;
  std::string db;
  std::string registry;
  std::string token;
  std::string window = "30d";
  std::string interval = "24h";
  std::string check = "60s";
  int workers = 2;
  int max_db_age_days = 7;
  ImageArgs image;
  bool include_dev = false;
  std::vector<std::string> skip_paths;
};

// Runs the watcher until SIGINT or SIGTERM; a second signal stops without draining the queue.
int RunWatch(const WatchArgs& args) {
  WatchOptions options;
  options.results_dir = args.results;
  options.db = args.db;
  options.registry = args.registry;
  options.token = args.token;
  if (options.token.empty()) {
    if (const char* t = std::getenv("ASSAY_WEBHOOK_TOKEN")) options.token = t;
  }
  auto window = ParseRescanWindow(args.window);
  auto interval = ParseDurationSeconds(args.interval);
  auto check = ParseDurationSeconds(args.check);
  for (const base::Status& s : {window.status(), interval.status(), check.status()}) {
    if (!s.ok()) {
      std::fprintf(stderr, "assay registry watch: %s\n", s.message().c_str());
      return kExitUsage;
    }
  }
  options.window = *window;
  options.rescan_interval = *interval;
  options.workers = args.workers;
  options.max_db_age_days = args.max_db_age_days;
  options.image = args.image;
  options.collect.include_dev = args.include_dev;
  options.collect.skip_paths = args.skip_paths;

  // Signals are taken synchronously: block them before any thread starts so every thread
  // inherits the mask, then wait for them here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);
  struct RestoreMask {
    sigset_t mask;
    ~RestoreMask() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } restore{previous};

  auto watcher = RegistryWatcher::Create(std::move(options));
  if (!watcher.ok()) {
    std::fprintf(stderr, "assay registry watch: %s\n", watcher.status().message().c_str());
    const base::Code code = watcher.status().code();
    return code == base::Code::kInvalidArgument || code == base::Code::kNotFound ||
                   code == base::Code::kCorruption
               ? kExitUsage
               : kExitFailed;
  }
  (*watcher)->Start();
  auto server = WatchServer::Start(**watcher, args.listen);
  if (!server.ok()) {
    std::fprintf(stderr, "assay registry watch: %s\n", server.status().message().c_str());
    return server.status().code() == base::Code::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  std::fprintf(stderr,
               "assay registry watch: listening on %s (rescan window %s, interval %s); results "
               "in %s\n",
               (*server)->url().c_str(), args.window.c_str(), args.interval.c_str(),
               args.results.c_str());
  std::fflush(stderr);

  auto tick = [&] {
    TickReport r = (*watcher)->Tick();
    if (r.db_changed) {
      base::Log(base::LogLevel::kInfo, "registry watch: advisory DB build {}", r.db_build_id);
    }
    if (!r.dropped.empty() || r.queued > 0) {
      base::Log(base::LogLevel::kInfo,
                "registry watch: {} left the rescan window, {} rescans "
                "queued",
                r.dropped.size(), r.queued);
    }
  };
  tick();
  auto next_tick = std::chrono::steady_clock::now() + std::chrono::seconds(*check);
  for (;;) {
    timespec wait{1, 0};
    int sig = sigtimedwait(&signals, nullptr, &wait);
    if (sig == SIGINT || sig == SIGTERM) break;
    if (std::chrono::steady_clock::now() >= next_tick) {
      tick();
      next_tick = std::chrono::steady_clock::now() + std::chrono::seconds(*check);
    }
  }
  std::fprintf(stderr,
               "assay registry watch: stopping: finishing the queued scans (signal again to stop "
               "after the running ones)\n");
  (*server)->Stop();
  std::atomic<bool> done{false};
  RegistryWatcher* w = watcher->get();
  std::thread second([&] {
    while (!done.load()) {
      timespec wait{0, 200'000'000};
      int sig = sigtimedwait(&signals, nullptr, &wait);
      if (sig == SIGINT || sig == SIGTERM) {
        w->Stop(/*drain=*/false);
        return;
      }
    }
  });
  w->Stop(/*drain=*/true);
  done.store(true);
  second.join();
  WatchStats stats = w->Stats();
  std::fprintf(stderr, "assay registry watch: stopped (%llu deliveries, %llu scans, %llu failed)\n",
               static_cast<unsigned long long>(stats.deliveries),
               static_cast<unsigned long long>(stats.scans_ok),
               static_cast<unsigned long long>(stats.scans_failed));
  return 0;
}

void AddWatch(CLI::App& registry, int* exit_code) {
  auto args = std::make_shared<WatchArgs>();
  CLI::App* cmd = registry.add_subcommand(
      "watch",
      "Receive a registry's notifications (notifications.endpoints), scan every pushed image "
      "and keep the images pushed or pulled within the rescan window under re-evaluation");
  cmd->add_option("--listen", args->listen,
                  "Address for the webhook listener: HOST:PORT, :PORT or [V6]:PORT; events are "
                  "POSTed to /registry-events")
      ->required();
  cmd->add_option("--results", args->results,
                  "Results directory: <repo>/<digest>.json scan documents and watch-state.json")
      ->required();
  cmd->add_option("--db", args->db,
                  "Advisory DB file (default $ASSAY_DB, else $XDG_CACHE_HOME/assay/advisories.db, "
                  "else ~/.cache/assay/advisories.db); a new build triggers rescans");
  cmd->add_option("--registry", args->registry,
                  "Scan every image from this registry HOST[:PORT] instead of the host an event "
                  "names (required with credentials)");
  cmd->add_option("--token", args->token,
                  "Require 'Authorization: Bearer TOKEN' on deliveries (default "
                  "$ASSAY_WEBHOOK_TOKEN)");
  cmd->add_option("--rescan-window", args->window,
                  "Keep images pushed or pulled within this window under re-evaluation: 14d, "
                  "30d, 60d, 90d, 180d (any Nd) or lifetime")
      ->capture_default_str();
  cmd->add_option("--rescan-interval", args->interval,
                  "Rescan images in the window this often (s, m, h or d); a new advisory DB "
                  "build rescans them at once")
      ->capture_default_str();
  cmd->add_option("--check-interval", args->check,
                  "How often the window and the advisory DB file are checked")
      ->capture_default_str();
  cmd->add_option("--workers", args->workers, "Images scanned at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--max-db-age", args->max_db_age_days,
                  "Warn in results when the advisory DB is older than N days (0: never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--platform", args->image.platform,
                  "Platform to take from a multi-platform image: os/arch[/variant]");
  cmd->add_flag("--insecure", args->image.insecure,
                "Talk plain HTTP to a registry on a loopback address");
  cmd->add_option("--username", args->image.username,
                  "Registry user name (default $ASSAY_REGISTRY_USERNAME); the password comes "
                  "from $ASSAY_REGISTRY_PASSWORD; needs --registry");
  cmd->add_option("--cache-dir", args->image.cache_dir,
                  "Directory of cached layer extracts (default: RESULTS/.layer-cache)");
  cmd->add_flag("--no-cache", args->image.no_cache,
                "Neither read nor write the layer extract cache");
  cmd->add_flag("--include-dev", args->include_dev,
                "Keep dependencies a lockfile marks development-only");
  cmd->add_option("--skip-dir", args->skip_paths,
                  "Directory (relative to the image root) not to walk for language packages; "
                  "repeatable");
  cmd->callback([args, exit_code] { *exit_code = RunWatch(*args); });
}

void AddScanRegistry(CLI::App& scan, int* exit_code) {
  auto opts = std::make_shared<ScanRegistryOptions>();
  opts->scan.target = "registry";
  CLI::App* cmd = scan.add_subcommand(
      "registry",
      "Scan the images of a registry repository: HOST/REPO (latest), HOST/REPO:TAG, "
      "HOST/REPO@sha256:..., --all-tags for every tag, or HOST --all-tags for every repository "
      "of its catalog");
  cmd->add_option("target", opts->scan.path, "HOST/REPO[:TAG|@sha256:...] or HOST")->required();
  cmd->add_flag("--all-tags", opts->all_tags,
                "Scan every tag (tags that name one image share a scan)");
  cmd->add_option("--parallel", opts->parallel, "Images scanned at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  std::vector<std::string> formats;
  std::string format_help =
      "Output format (json: one document with every tag; others: one document per tag):";
  for (const report::Renderer& r : report::Renderers()) {
    formats.emplace_back(r.name);
    format_help += " " + std::string(r.name) + ";";
  }
  format_help.back() = '.';
  cmd->add_option("--db", opts->scan.db,
                  "Advisory DB file (default $ASSAY_DB, else $XDG_CACHE_HOME/assay/advisories.db, "
                  "else ~/.cache/assay/advisories.db)");
  cmd->add_option("--format", opts->scan.format, format_help)
      ->check(CLI::IsMember(formats))
      ->capture_default_str();
  cmd->add_option("-o,--output", opts->scan.output,
                  "Write the output to FILE (atomically) instead of stdout");
  cmd->add_option("--severity", opts->scan.severity, "Only these severities, e.g. CRITICAL,HIGH");
  cmd->add_flag("--ignore-unfixed", opts->scan.ignore_unfixed,
                "Leave out findings that have no fixed version yet");
  cmd->add_option("--exit-code", opts->scan.exit_code,
                  "Exit with N when findings remain after the filters (default 0)")
      ->check(CLI::Range(0, 255));
  cmd->add_option("--ignorefile", opts->scan.ignorefile,
                  "File of vulnerability ids to suppress, one per line: "
                  "ID [expires=YYYY-MM-DD] [# reason]");
  cmd->add_flag("--include-dev", opts->scan.include_dev,
                "Keep dependencies a lockfile marks development-only");
  cmd->add_option("--skip-dir", opts->scan.skip_paths,
                  "Directory (relative to the image root) not to walk for language packages; "
                  "repeatable");
  AddImageFlags(*cmd, opts->scan.image);
  cmd->add_option("--max-db-age", opts->scan.max_db_age_days,
                  "Warn when the advisory DB is older than N days (0: never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->callback([opts, exit_code] {
    ScanRegistryOptions run = *opts;
    run.scan.color = run.scan.format == "table" && run.scan.output.empty() &&
                     ::isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
    ScanOutcome out = RunScanRegistry(run);
    for (const std::string& w : out.warnings) {
      std::fprintf(stderr, "assay: warning: %s\n", w.c_str());
    }
    for (const std::string& n : out.notes) std::fprintf(stderr, "assay: note: %s\n", n.c_str());
    *exit_code = out.exit_code;
    std::fwrite(out.document.data(), 1, out.document.size(), stdout);
    std::fflush(stdout);
    if (!out.error.empty()) std::fprintf(stderr, "assay scan registry: %s\n", out.error.c_str());
  });
}

}  // namespace

void AddRegistry(CLI::App& app, int* exit_code) {
  CLI::App* registry =
      app.add_subcommand("registry", "Watch a container registry and scan what is pushed to it");
  registry->require_subcommand(1);
  AddWatch(*registry, exit_code);

  std::vector<CLI::App*> scans =
      app.get_subcommands([](CLI::App* sub) { return sub->get_name() == "scan"; });
  CLI::App* scan =
      scans.empty() ? app.add_subcommand("scan", "Find known vulnerabilities") : scans.front();
  AddScanRegistry(*scan, exit_code);
}

}  // namespace assay::cli
