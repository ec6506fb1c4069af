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

// Read-only access to the files around the one being parsed, for the formats whose meaning spans
// files: requirements.txt `-r` / `-c` includes, the go.sum beside a go.mod written for Go 1.16 or
// older. The collector that found the file provides it (over the same Fs, so no path can leave
// the scanned root), as do `assay sbom --lockfile` (the file's directory and below) and tests. A
// parser still never opens anything itself: it asks for a path and gets bytes or an error.
// Implementations are thread-safe.
class SiblingFiles {
 public:
  virtual ~SiblingFiles() = default;

  // The bytes of the regular file at `path`, named the way ParseInput::path names files (build
  // it with SiblingPath). NotFound when there is no such file; InvalidArgument when `path` lies
  // outside what this reader serves, names something other than a regular file or is over the
  // size cap; IOError when the OS refuses. Messages start with the path.
  virtual base::Result<std::string> Read(std::string_view path) const = 0;

  // How the file at `path` (a SiblingPath) is named in packages and warnings: `path` itself,
  // unless the reader has a plainer name for the same file (under a root filesystem,
  // "/app/base.txt" is "app/base.txt", as the walk names files).
  virtual std::string Name(std::string_view path) const { return std::string(path); }
};

// The file `ref` names when written inside the file at `from` (a ParseInput::path): relative to
// from's directory, or absolute when it starts with '/'. '/'-separated and lexically normalised:
// "." components and empty ones are dropped, ".." removes the component before it (and stays,
// leading, when there is none: "../x", which a reader refuses unless it serves that directory).
// "" when `ref` is empty.
std::string SiblingPath(std::string_view from, std::string_view ref);

struct ParseInput {
  std::string_view bytes;  // whole file contents
  std::string path;        // relative to the scanned root; used in Package::path and warnings
  // OSV ecosystem of the distribution ("Debian:12", "Alpine:v3.19") when the collector knows it
  // from os-release; parsers fall back to the bare distribution name ("Debian", "Alpine", ...).
  std::string ecosystem;
  // The files around this one, or nullptr: the formats that refer to other files then warn that
  // they were not followed (parsers document which files they ask for).
  const SiblingFiles* siblings = nullptr;
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
