// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// What a scan shows: the findings left after the user's filters (`--severity`,
// `--ignore-unfixed`) and ignore file (`--ignorefile`).
//
// Ignore file format, one entry per line:
//
//   # comment lines and blank lines are skipped
//   CVE-2023-4911                                  # reason after '#'
//   CVE-2024-0727 expires=2024-12-31               # suppressed up to and including that day
//   GHSA-xxxx-yyyy-zzzz expires=2025-01-15 # accepted risk, see TICKET-12
//
// An ID matches a finding whose vulnerability id or any related id (alias) is that ID, compared
// case-insensitively. An entry whose expiry day is before the scan's day suppresses nothing and
// is reported as a warning (so a forgotten exception cannot hide a finding forever); an entry
// that matches no finding is reported as a note (a typo, or a fixed problem whose entry can go).
// Anything else on a line (an unknown key, a malformed date, two IDs) is an error naming the
// file and line: a typo in a security exception must not be half-applied.
//
// Pure functions: thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/finding.h"
#include "model/severity.h"

namespace assay::report {

struct IgnoreEntry {
  std::string id;
  std::string expires;  // "YYYY-MM-DD", "" for no expiry
  std::string reason;   // text after '#', trimmed
  int line = 0;         // 1-based line in the file
};

// InvalidArgument "<path>:<line>: ..." for a malformed line.
base::Result<std::vector<IgnoreEntry>> ParseIgnoreFile(std::string_view text,
                                                       const std::string& path);

// "CRITICAL,HIGH" → {kCritical, kHigh}: comma-separated, case-insensitive, blanks ignored.
// InvalidArgument naming the unknown value and the known ones; an empty list is an error too.
base::Result<std::vector<model::Severity>> ParseSeverityList(std::string_view list);

struct FilterOptions {
  std::vector<model::Severity> severities;  // keep only these; empty keeps every severity
  bool ignore_unfixed = false;              // drop findings with fixAvailable NO
  std::vector<IgnoreEntry> ignores;
  std::string ignorefile;  // its path, for messages
  std::string today;       // "YYYY-MM-DD" (UTC) of the scan, for expiry
};

struct FilterReport {
  std::size_t suppressed = 0;         // removed by ignore entries
  std::size_t filtered = 0;           // removed by --severity / --ignore-unfixed
  std::vector<std::string> warnings;  // expired entries
  std::vector<std::string> notes;     // entries matching nothing
};

// Removes from `findings` (keeping the order of the rest) what the ignore entries suppress, then
// what the filters exclude. Ignore entries are checked against every finding, before the
// filters, so an entry for a finding hidden by --severity is not reported as unknown.
FilterReport ApplyFilters(const FilterOptions& options, std::vector<model::Finding>& findings);

}  // namespace assay::report
