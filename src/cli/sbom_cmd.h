// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The logic behind `assay sbom`, apart from argument parsing so it can be tested:
//
//   assay sbom PATH [--format json|cyclonedx|spdx] [--output FILE]   collect from a root tree
//   assay sbom --lockfile TYPE:FILE [--format ...] [...]   run one registered parser over FILE
//   assay sbom image REF [--format ...] [...]   collect from a container image (inventory/image.h)
//
// All print the same document (inventory_json.h for "json", CycloneDX 1.5 or SPDX 2.3 JSON
// through the report library); packages are sorted by ecosystem, name, version and path so the
// output is stable.
#pragma once

#include <span>
#include <string>
#include <vector>
#include <string_view>

#include "cli/image_args.h"
#include "model/inventory.h"
#include "report/scan_result.h"

namespace assay::cli {

struct SbomOptions {
  std::string path;      // directory to collect from; exclusive with `lockfile`
  std::string lockfile;  // "TYPE:FILE", TYPE a parser name from inventory/parser.h
  std::string image;     // an image reference; exclusive with `path` and `lockfile`
  ImageArgs image_args;
  std::string format = "json";
  std::string output;  // file to write (atomically); empty writes to stdout
  std::string now;     // RFC 3339 document timestamp; empty: the clock (tests pin it)
  bool include_dev = false;             // keep development-only dependencies
  std::vector<std::string> skip_paths;  // directories the language walk does not enter
};

// One output format. The list is the one place to add another. `subject` says what was
// collected (type "rootfs" or "lockfile", id, absolute path, time) for the formats that name it
// (CycloneDX metadata, SPDX document); cyclonedx and spdx are report/render.h's renderers.
struct SbomFormat {
  std::string_view name;         // the --format value
  std::string_view description;  // for --help
  std::string (*render)(const model::Inventory& inventory, const report::ScannedResource& subject);
};
std::span<const SbomFormat> SbomFormats();

struct SbomOutcome {
  int exit_code = 0;     // 0 ok, 1 the output could not be written, 2 bad arguments or input
  std::string document;  // the rendered document when exit_code is 0 and no --output was given
  std::string error;     // a one-line message for stderr otherwise ("assay sbom: " not included)
};

// Validates the options, builds the inventory, renders it, and writes it to options.output when
// one is given. Never prints. Thread-compatible (reads the filesystem only through the
// inventory library, writes only options.output).
SbomOutcome RunSbom(const SbomOptions& options);

}  // namespace assay::cli
