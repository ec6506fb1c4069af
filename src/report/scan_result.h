// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// What one scan produced, as the renderers (render.h) see it: the resource that was scanned, its
// inventory, the findings left after filtering, every warning met on the way, and the advisory
// DB build the findings came from. Plain data; the scan verb fills it in and the renderers only
// read it, so the same result renders the same bytes in every format (timestamps come from
// `resource.scanned_at`, never from the clock).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/finding.h"
#include "model/inventory.h"

namespace assay::report {

// What a scan of a container image records about it (inventory/image.h has the source).
struct ImageDetails {
  std::string manifest_digest;
  std::string config_digest;
  std::vector<std::string> tags;
  std::string os;
  std::string architecture;
  std::string variant;
  std::string created;
  std::map<std::string, std::string> labels;
  std::vector<std::string> layers;  // layer digests, base first
};

struct ScannedResource {
  std::string type;        // "rootfs", "host", "sbom", "image" (scan); "rootfs", "lockfile",
                           // "image" (assay sbom)
  std::string id;          // stable id, part of every finding id: "rootfs:/srv/debian"
  std::string path;        // what was read: the root directory, the SBOM or lockfile, the
                           // image reference
  std::string scanned_at;  // RFC 3339 UTC ("2024-05-01T12:00:00Z"): the documents' timestamp
  std::optional<ImageDetails> image;  // type "image" only
};

struct DatabaseInfo {
  std::string build_id;    // empty for inventory-only documents
  std::string build_time;  // RFC 3339 UTC
};

struct ScanResult {
  ScannedResource resource;
  model::Inventory inventory;  // its `os` is the resource's operating system
  std::vector<model::Finding> findings;
  // Human-readable, one line each: DB staleness, unknown OS, inventory and matcher warnings
  // ("<location>: <message>"), expired ignore entries.
  std::vector<std::string> warnings;
  DatabaseInfo database;
  // False for an inventory-only document (`assay sbom`): CycloneDX then has no vulnerabilities
  // section and the summary does not claim that nothing was found.
  bool vulnerability_scan = true;
};

struct Summary {
  std::size_t critical = 0;
  std::size_t high = 0;
  std::size_t medium = 0;
  std::size_t low = 0;
  std::size_t informational = 0;
  std::size_t untriaged = 0;
  std::size_t total = 0;
  std::size_t fixable = 0;   // findings whose fixAvailable is YES or PARTIAL
  std::size_t packages = 0;  // packages in the inventory (scanned, whether affected or not)
};

Summary Summarize(const ScanResult& result);

// "42 findings (3 critical, 10 high, 29 medium) in 195 packages; 30 fixable": severities with a
// zero count are left out; "1 finding", "1 package" in the singular.
std::string SummaryLine(const Summary& summary);

// An inventory-only result for `assay sbom` (no findings, no DB). The inventory's warnings
// become the result's warnings ("<location>: <message>").
ScanResult InventoryResult(model::Inventory inventory, ScannedResource resource);

// Times as scan documents write them: RFC 3339 UTC to the second, "2024-05-01T12:00:00Z".
std::string FormatRfc3339(std::int64_t unix_seconds);
std::string NowRfc3339();  // the system clock
// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" (fraction dropped);
// nullopt when `s` is not such a time.
std::optional<std::int64_t> ParseRfc3339(std::string_view s);

}  // namespace assay::report
