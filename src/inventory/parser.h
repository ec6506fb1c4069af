// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Package parsers: bytes in, packages out. A parser never opens files or walks directories (a
// collector decides which files matter and hands their bytes here), so the same parser serves a
// host, a root filesystem, an image layer and a fixture. Parsers are pure and thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/package.h"

namespace assay::inventory {

// A problem that did not stop the parse: a malformed stanza, an unreadable header, ...
struct ParseWarning {
  std::string location;  // "var/lib/dpkg/status:812", "rpmdb.sqlite: header 17"
  std::string message;
};

struct ParseInput {
  std::string_view bytes;  // whole file contents
  std::string path;        // relative to the scanned root; used in Package::path and warnings
  // OSV ecosystem of the distribution ("Debian:12", "Alpine:v3.19") when the collector knows it
  // from os-release; parsers fall back to the bare distribution name ("Debian", "Alpine", ...).
  std::string ecosystem;
};

struct Parsed {
  std::vector<model::Package> packages;
  std::vector<ParseWarning> warnings;
};

// Fails only when the input as a whole is unusable (not this format at all, truncated beyond
// use); a bad record inside an otherwise good file is a warning.
using ParseFn = base::Result<Parsed> (*)(const ParseInput& input);

struct ParserEntry {
  std::string_view type;  // the `--lockfile TYPE:FILE` name: "dpkg-status", "apk-installed", ...
  ParseFn parse;
  // Bump when the same input yields different packages (stored with each inventory so that
  // assessments can re-collect when a parser changes).
  int version;
};

// The one list of parsers, in a fixed order.
std::span<const ParserEntry> Parsers();

// The parser registered under `type`, or nullptr.
const ParserEntry* FindParser(std::string_view type);

}  // namespace assay::inventory
