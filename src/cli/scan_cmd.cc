// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// `assay scan`: inventory (inventory library) → matching (match) → filters and rendering
// (report). This file wires them together, parses flags and prints.
#include "cli/scan_cmd.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "advisories/db.h"
#include "base/file.h"
#include "base/status.h"
#include "cli/client_cmd.h"
#include "cli/commands.h"
#include "inventory/collector.h"
#include "inventory/fs.h"
#include "inventory/sbom_input.h"
#include "match/engine.h"
#include "model/ecosystem.h"
#include "report/filter.h"
#include "report/render.h"
#include "report/scan_result.h"

namespace assay::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

ScanOutcome Fail(int code, std::string message, std::vector<std::string> warnings = {}) {
  ScanOutcome out;
  out.exit_code = code;
  out.error = std::move(message);
  out.warnings = std::move(warnings);
  return out;
}

std::string Absolute(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  return (ec ? fs::path(path) : abs).lexically_normal().string();
}

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

// The file the user named, read whole: a plain file under the inventory read cap.
base::Result<std::string> ReadUserFile(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return base::Status::NotFound(path + ": no such file");
  if (fs::is_directory(st)) return base::Status::InvalidArgument(path + ": is a directory");
  if (fs::is_regular_file(st)) {
    auto size = fs::file_size(path, ec);
    if (!ec && size > inventory::kDefaultMaxReadBytes) {
      return base::Status::InvalidArgument(path + ": larger than the read limit of " +
                                           std::to_string(inventory::kDefaultMaxReadBytes) +
                                           " bytes");
    }
  }
  return base::ReadFile(path);
}

std::string Describe(const model::InventoryWarning& w) {
  return w.location.empty() ? w.message : w.location + ": " + w.message;
}

// True when some package belongs to an OS ecosystem (the "unknown OS" warning matters then).
bool HasOsPackages(const model::Inventory& inv) {
  for (const model::Package& p : inv.packages) {
    if (model::IsOsEcosystem(model::SplitEcosystem(p.ecosystem).base)) return true;
  }
  return false;
}

}  // namespace

base::Result<std::unique_ptr<advisories::AdvisoryDb>> OpenScanDb(const std::string& db,
                                                                 fs::path* path) {
  if (!db.empty()) {
    *path = db;
  } else {
    ASSAY_ASSIGN_OR_RETURN(*path, advisories::DefaultDbPath(/*create_dir=*/false));
  }
  auto opened = advisories::AdvisoryDb::Open(*path);
  if (opened.ok()) return opened;
  if (opened.status().code() == base::Code::kNotFound) {
    return base::Status::NotFound("no advisory database at " + path->string() +
                                  ": run `assay db update` first (or give --db PATH)");
  }
  return base::Status::InvalidArgument(opened.status().message() +
                                       " (run `assay db update` to rebuild " + path->string() +
                                       ")");
}

ScanOutcome RunScan(const ScanOptions& o) {
  // Arguments first: nothing is read before they are known to be usable.
  const report::Renderer* renderer = report::FindRenderer(o.format);
  if (renderer == nullptr) {
    return Fail(kExitUsage,
                "unknown format '" + o.format + "' (known: " + report::KnownFormats() + ")");
  }
  if (o.target != "rootfs" && o.target != "host" && o.target != "sbom" && o.target != "image") {
    return Fail(kExitUsage, "scan what? give rootfs PATH, host, sbom FILE or image REF");
  }
  if (o.target != "host" && o.path.empty()) {
    return Fail(kExitUsage, "scan " + o.target + " needs a " +
                                (o.target == "sbom"    ? "FILE"
                                 : o.target == "image" ? "REF"
                                                       : "PATH"));
  }
  report::FilterOptions filters;
  if (!o.severity.empty()) {
    auto sev = report::ParseSeverityList(o.severity);
    if (!sev.ok()) return Fail(kExitUsage, sev.status().message());
    filters.severities = std::move(*sev);
  }
  filters.ignore_unfixed = o.ignore_unfixed;
  std::string now = o.now.empty() ? report::NowRfc3339() : o.now;
  std::optional<std::int64_t> now_seconds = report::ParseRfc3339(now);
  if (!now_seconds) return Fail(kExitUsage, "not an RFC 3339 time: '" + now + "'");
  filters.today = report::FormatRfc3339(*now_seconds).substr(0, 10);
  if (!o.ignorefile.empty()) {
    auto text = ReadUserFile(o.ignorefile);
    if (!text.ok()) return Fail(kExitUsage, "--ignorefile " + text.status().message());
    auto entries = report::ParseIgnoreFile(*text, o.ignorefile);
    if (!entries.ok()) return Fail(kExitUsage, entries.status().message());
    filters.ignores = std::move(*entries);
    filters.ignorefile = o.ignorefile;
  }

  // The resource: a missing or unreadable root or SBOM is the user's input problem.
  report::ScanResult result;
  result.resource.scanned_at = now;
  std::unique_ptr<inventory::Fs> root_fs;
  std::string sbom_bytes;
  if (o.target == "sbom") {
    auto bytes = ReadUserFile(o.path);
    if (!bytes.ok()) return Fail(kExitUsage, bytes.status().message());
    sbom_bytes = std::move(*bytes);
    result.resource.type = "sbom";
    result.resource.path = Absolute(o.path);
    result.resource.id = "sbom:" + result.resource.path;
  } else if (o.target == "image") {
    result.resource.type = "image";  // the rest once the image is read, after the DB opened
    result.resource.path = o.path;
  } else {
    std::string root = o.target == "host" ? o.host_root : o.path;
    auto opened = inventory::OpenDirFs(root);
    if (!opened.ok()) return Fail(kExitUsage, opened.status().message());
    root_fs = std::move(*opened);
    result.resource.type = o.target;
    result.resource.path = Absolute(root);
    result.resource.id =
        o.target == "host" ? "host:" + HostName() : "rootfs:" + result.resource.path;
  }

  // The advisory DB: without one nothing can be matched.
  fs::path db_path;
  auto db = OpenScanDb(o.db, &db_path);
  if (!db.ok()) return Fail(kExitUsage, db.status().message());
  if (auto status = (*db)->GetBuildInfo(); status.ok()) {
    result.database = {status->build_id, status->build_time};
    auto built = report::ParseRfc3339(status->build_time);
    if (o.max_db_age_days > 0 && built) {
      std::int64_t age_days = (*now_seconds - *built) / 86400;
      if (age_days > o.max_db_age_days) {
        result.warnings.push_back("the advisory DB at " + db_path.string() + " was built " +
                                  std::to_string(age_days) + " days ago (" + status->build_time +
                                  "), more than --max-db-age " + std::to_string(o.max_db_age_days) +
                                  ": run `assay db update`");
      }
    }
  } else {
    result.warnings.push_back("cannot read the advisory DB's build information: " +
                              status.status().message());
  }

  // Inventory.
  if (o.target == "sbom") {
    auto inv = inventory::ParseSbom(sbom_bytes, result.resource.path);
    if (!inv.ok()) return Fail(kExitUsage, inv.status().message(), result.warnings);
    result.inventory = std::move(*inv);
  } else if (o.target == "image") {
    inventory::CollectOptions collect;
    collect.include_dev = o.include_dev;
    collect.skip_paths = o.skip_paths;
    auto img = CollectImageResource(o.path, o.image, collect);
    if (!img.ok()) {
      const bool input = img.status().code() == base::Code::kInvalidArgument ||
                         img.status().code() == base::Code::kNotFound;
      return Fail(input ? kExitUsage : kExitFailed, img.status().message(), result.warnings);
    }
    result.inventory = std::move(img->inventory);
    img->resource.scanned_at = result.resource.scanned_at;
    result.resource = std::move(img->resource);
  } else {
    inventory::CollectOptions collect;
    collect.include_dev = o.include_dev;
    collect.skip_paths = o.skip_paths;
    auto inv = inventory::CollectInventory(*root_fs, collect);
    if (!inv.ok()) return Fail(kExitUsage, inv.status().message(), result.warnings);
    result.inventory = std::move(*inv);
  }
  if (!result.inventory.os.known() && (o.target != "sbom" || HasOsPackages(result.inventory))) {
    result.warnings.push_back("unknown operating system; OS packages not matched");
  }
  for (const model::InventoryWarning& w : result.inventory.warnings) {
    result.warnings.push_back(Describe(w));
  }

  // Matching.
  match::MatchOptions match_opts;
  match_opts.resource_id = result.resource.id;
  match_opts.observed_at = now;
  auto matched = match::MatchInventory(result.inventory, **db, match_opts);
  if (!matched.ok()) {
    return Fail(kExitFailed, "matching failed: " + matched.status().ToString(), result.warnings);
  }
  for (const model::InventoryWarning& w : matched->warnings) {
    result.warnings.push_back(Describe(w));
  }
  result.findings = std::move(matched->findings);

  // Filters.
  ScanOutcome out;
  report::FilterReport filtered = report::ApplyFilters(filters, result.findings);
  for (std::string& w : filtered.warnings) result.warnings.push_back(std::move(w));
  out.notes = std::move(filtered.notes);
  if (filtered.suppressed > 0) {
    out.notes.push_back(std::to_string(filtered.suppressed) + " finding(s) suppressed by " +
                        o.ignorefile);
  }

  report::RenderOptions render_opts;
  render_opts.color = o.color;
  render_opts.tool_version = std::string(advisories::kAssayVersion);
  std::string document = renderer->render(result, render_opts);
  out.warnings = result.warnings;
  if (!o.output.empty()) {
    base::Status written = base::WriteFileAtomic(o.output, document);
    if (!written.ok()) {
      out.exit_code = kExitFailed;
      out.error = written.message();
      return out;
    }
  } else {
    out.document = std::move(document);
  }
  out.exit_code = result.findings.empty() ? 0 : o.exit_code;
  out.resource = std::move(result.resource);
  out.inventory = std::move(result.inventory);
  return out;
}

void AddScan(CLI::App& app, int* exit_code) {
  CLI::App* scan = app.add_subcommand(
      "scan", "Find the known vulnerabilities of a root filesystem, this host, an image or an SBOM");
  scan->require_subcommand(1);
  std::vector<std::string> formats;
  std::string format_help = "Output format:";
  for (const report::Renderer& r : report::Renderers()) {
    formats.emplace_back(r.name);
    format_help += " " + std::string(r.name) + " (" + std::string(r.description) + ");";
  }
  format_help.back() = '.';

  struct Target {
    const char* name;
    const char* help;
    const char* positional;  // nullptr: none
    const char* positional_help;
  };
  for (const Target& t :
       {Target{"rootfs", "Scan a root filesystem directory (read-only)", "path",
               "Root filesystem directory"},
        Target{"host", "Scan this machine (its \"/\")", nullptr, nullptr},
        Target{"sbom", "Scan the packages listed in a CycloneDX or SPDX JSON document", "file",
               "CycloneDX or SPDX JSON file"},
        Target{"image",
               "Scan a container image without running or unpacking it: oci:DIR[:TAG], "
               "oci-archive:FILE[:TAG], docker-archive:FILE[:REPO:TAG] or "
               "HOST[:PORT]/REPO[:TAG|@sha256:...] (Registry HTTP API v2)",
               "ref", "Image reference"}}) {
    auto opts = std::make_shared<ScanOptions>();
    opts->target = t.name;
    CLI::App* cmd = scan->add_subcommand(t.name, t.help);
    if (t.positional != nullptr)
      cmd->add_option(t.positional, opts->path, t.positional_help)->required();
    cmd->add_option("--db", opts->db,
                    "Advisory DB file (default $ASSAY_DB, else "
                    "$XDG_CACHE_HOME/assay/advisories.db, else ~/.cache/assay/advisories.db)");
    cmd->add_option("--format", opts->format, format_help)
        ->check(CLI::IsMember(formats))
        ->capture_default_str();
    cmd->add_option("-o,--output", opts->output,
                    "Write the document to FILE (atomically) instead of stdout");
    cmd->add_option("--severity", opts->severity,
                    "Only these severities, e.g. CRITICAL,HIGH (CRITICAL, HIGH, MEDIUM, LOW, "
                    "INFORMATIONAL, UNTRIAGED)");
    cmd->add_flag("--ignore-unfixed", opts->ignore_unfixed,
                  "Leave out findings that have no fixed version yet");
    cmd->add_option("--exit-code", opts->exit_code,
                    "Exit with N when findings remain after the filters (default 0)")
        ->check(CLI::Range(0, 255));
    cmd->add_option("--ignorefile", opts->ignorefile,
                    "File of vulnerability ids to suppress, one per line: "
                    "ID [expires=YYYY-MM-DD] [# reason]");
    if (t.name != std::string_view("sbom")) {
      cmd->add_flag("--include-dev", opts->include_dev,
                    "Keep dependencies a lockfile marks development-only");
      cmd->add_option("--skip-dir", opts->skip_paths,
                      "Directory (relative to the root) not to walk for language packages; "
                      "repeatable");
    }
    if (t.name == std::string_view("image")) AddImageFlags(*cmd, opts->image);
    cmd->add_option("--max-db-age", opts->max_db_age_days,
                    "Warn when the advisory DB is older than N days (0: never)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    auto upload = std::make_shared<UploadFlags>();
    if (t.name != std::string_view("sbom")) AddUploadFlags(*cmd, *upload);
    cmd->callback([opts, upload, exit_code] {
      if (!upload->url.empty()) {
        if (auto st = CheckUploadFlags(*upload); !st.ok()) {
          std::fprintf(stderr, "assay scan --upload: %s\n", st.message().c_str());
          *exit_code = kExitUsage;
          return;
        }
      }
      ScanOptions run = *opts;
      run.color = run.format == "table" && run.output.empty() && ::isatty(STDOUT_FILENO) == 1 &&
                  std::getenv("NO_COLOR") == nullptr;
      ScanOutcome out = RunScan(run);
      for (const std::string& w : out.warnings) {
        std::fprintf(stderr, "assay: warning: %s\n", w.c_str());
      }
      for (const std::string& n : out.notes) std::fprintf(stderr, "assay: note: %s\n", n.c_str());
      *exit_code = out.exit_code;
      if (!out.error.empty()) {
        std::fprintf(stderr, "assay scan: %s\n", out.error.c_str());
        return;
      }
      std::fwrite(out.document.data(), 1, out.document.size(), stdout);
      std::fflush(stdout);
      if (!upload->url.empty()) {
        int rc = UploadScan(*upload, out.resource, out.inventory);
        if (rc != 0) *exit_code = rc;
      }
    });
  }
}

}  // namespace assay::cli
