// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The logic behind `assay scan`, apart from argument parsing so it can be tested:
//
//   assay scan rootfs PATH   collect the inventory of a root filesystem directory (read-only)
//   assay scan host          the same for this machine's "/" (live-host data comes later)
//   assay scan sbom FILE     read the packages of a CycloneDX or SPDX JSON document
//   assay scan image REF     collect the inventory of a container image (inventory/image.h)
//
// then match it against the advisory DB, drop what --ignorefile, --severity and
// --ignore-unfixed exclude, and render the rest in one of report::Renderers() formats.
//
// Exit codes: 0 done (and no finding left, or --exit-code not given); N (--exit-code N) when
// findings remain after the filters; 1 the output could not be written or matching failed;
// 2 bad arguments or input: unknown format or severity, malformed ignore file, missing or
// unreadable root or SBOM, no advisory DB (the message says to run `assay db update`).
//
// Warnings (stale DB, unknown OS, inventory and matcher problems, expired ignore entries) are
// returned apart from the document: the CLI prints them to stderr, never into stdout; the json,
// sarif and html documents carry them too.
#pragma once

#include <string>
#include <vector>

#include <filesystem>
#include <memory>

#include "advisories/db.h"
#include "base/status.h"
#include "cli/image_args.h"
#include "model/inventory.h"
#include "report/scan_result.h"

namespace assay::cli {

struct ScanOptions {
  std::string target;  // "rootfs", "host", "sbom", "image"
  std::string path;    // the root directory (rootfs), the SBOM file (sbom) or the image
                       // reference (image); unused for host
  std::string db;      // advisory DB file; empty: advisories::DefaultDbPath
  std::string format = "table";
  std::string output;    // file to write atomically; empty: the document is returned
  std::string severity;  // "CRITICAL,HIGH"; empty keeps every severity
  bool ignore_unfixed = false;
  int exit_code = 0;            // returned when findings remain after the filters (0: always 0)
  std::string ignorefile;       // report/filter.h format
  int max_db_age_days = 7;      // warn when the DB build is older; 0 never warns
  bool color = false;           // table: ANSI colours (the CLI sets it for a terminal)
  std::string now;              // RFC 3339 time of the scan; empty: the clock (tests pin it)
  std::string host_root = "/";  // the root `host` scans (tests point it elsewhere)
  bool include_dev = false;     // keep development-only dependencies
  std::vector<std::string> skip_paths;  // directories the language walk does not enter
  ImageArgs image;                      // image only
};

struct ScanOutcome {
  int exit_code = 0;
  std::string document;               // when no --output was given and the scan ran
  std::string error;                  // one line for stderr when exit_code is 1 or 2
  std::vector<std::string> warnings;  // "assay: warning: ..." lines for stderr
  std::vector<std::string> notes;     // "assay: note: ..." lines for stderr
  // What was scanned and its inventory, when the scan ran (for `--upload`).
  report::ScannedResource resource;
  model::Inventory inventory;
};

// Never prints. Reads the scanned tree only through the inventory library (read-only), writes
// only options.output. Thread-compatible.
ScanOutcome RunScan(const ScanOptions& options);

// The advisory DB a scan reads: `db` when given, else advisories::DefaultDbPath; its path goes
// to `*path`. The error is a message for the user that says what to do ("run `assay db
// update` first").
base::Result<std::unique_ptr<advisories::AdvisoryDb>> OpenScanDb(const std::string& db,
                                                                 std::filesystem::path* path);

}  // namespace assay::cli
