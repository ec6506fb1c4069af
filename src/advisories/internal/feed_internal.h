// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Private to the advisories feed code: a streaming CSV reader and the stderr progress line.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace assay::advisories::internal {

// RFC 4180 records from a byte source, read in chunks (the input is never held whole). Fields are
// separated by ',' and records by LF or CRLF; a field starting with '"' is quoted: it may hold
// ',', '"' written as '""', and line breaks. Lenient where Python's csv module is: characters
// after a closing quote are kept, a '"' inside an unquoted field is literal. Empty lines are
// skipped. Not thread-safe.
class CsvReader {
 public:
  // Fills `buf` with up to `cap` bytes; returns how many (0 at the end) or an error.
  using ReadFn = std::function<base::Result<std::size_t>(char* buf, std::size_t cap)>;

  explicit CsvReader(ReadFn read, std::size_t buffer_size = 1 << 16);
  // Over an in-memory text (which must outlive the reader).
  static CsvReader FromString(std::string_view text);

  // The next record into `fields`; false at the end of the input. Corruption for a quoted field
  // that is not closed before the end of the input, or a field over kMaxFieldBytes.
  base::Result<bool> Next(std::vector<std::string>* fields);

  // 1-based line on which the record last returned by Next starts.
  std::int64_t record_line() const { return record_line_; }

  static constexpr std::size_t kMaxFieldBytes = std::size_t{16} << 20;

 private:
  // The next byte, -1 at the end, -2 after a read error (kept in error_).
  int Get();
  int Peek();

  ReadFn read_;
  std::vector<char> buf_;
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
  bool eof_ = false;
  base::Status error_;
  std::int64_t line_ = 1;
  std::int64_t record_line_ = 0;
};

// "Debian   12.3 MiB / 40.1 MiB" redrawn in place with '\r' on stderr, when enabled (the caller
// asked for progress and stderr is a terminal); a no-op otherwise. Redraws at most ~10 times a
// second. Not thread-safe.
class ProgressLine {
 public:
  ProgressLine(std::string label, bool enabled);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // `unit` "bytes" shows MiB; anything else is printed after plain counts ("4000 / 250000 CVEs").
  void Update(std::uint64_t done, std::uint64_t total);
  // Redraws with `note` ("unchanged", "done", an error) and ends the line.
  void Finish(std::string_view note);

  void set_unit(std::string unit) { unit_ = std::move(unit); }
  bool enabled() const { return enabled_; }

 private:
  void Draw(std::uint64_t done, std::uint64_t total, std::string_view note);

  std::string label_;
  bool enabled_;
  bool finished_ = false;
  std::string unit_ = "bytes";
  std::uint64_t done_ = 0;
  std::uint64_t total_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

// True when `progress` was asked for and stderr is a terminal.
bool ProgressEnabled(bool progress);

// Ecosystem names become one URL path segment and one file name: reject the empty name, "." and
// "..", and names with '/', '\\' or control characters.
base::Status CheckEcosystemName(std::string_view ecosystem);

}  // namespace assay::advisories::internal
