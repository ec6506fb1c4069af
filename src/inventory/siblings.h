// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// SiblingFiles (parser.h) served from an Fs: what the collectors and `assay sbom --lockfile`
// hand the parsers that follow references to other files. The Fs keeps every read inside its
// root (symlinks and ".." included); this layer maps the names parsers use onto it and refuses
// the ones that do not belong to it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "inventory/fs.h"
#include "inventory/parser.h"

namespace assay::inventory {

class FsSiblingFiles final : public SiblingFiles {
 public:
  // How the names parsers ask for map onto the Fs.
  enum class Naming {
    // ParseInput::path is relative to the Fs root (a collector's walk): every relative name is
    // read as is, and an absolute one ("/app/requirements/base.txt") from the root, as the
    // programs of that root filesystem would read it.
    kRootRelative,
    // The Fs root is the directory named `prefix` (as ParseInput::path writes it: "", "app",
    // "/srv/app", "../app"): only names below that directory are read. The files of one
    // directory and its subdirectories, nothing above it, whatever the path looks like.
    kBelowPrefix,
  };

  // `fs` must outlive this object. Files over `max_bytes` are InvalidArgument.
  FsSiblingFiles(const Fs& fs, Naming naming, std::string prefix = "",
                 uint64_t max_bytes = kDefaultMaxReadBytes);

  // The directory on the local filesystem that holds the file the user named as `file`
  // (`assay sbom --lockfile TYPE:FILE`, a test's fixture): its files and subdirectories, named as
  // `file` names its directory. Errors of OpenDirFs.
  static base::Result<std::unique_ptr<SiblingFiles>> BesideFile(std::string_view file);

  // Like BesideFile, for a file named `file` that lies in the local directory `dir`.
  static base::Result<std::unique_ptr<SiblingFiles>> InDirectory(const std::filesystem::path& dir,
                                                                  std::string_view file);

  base::Result<std::string> Read(std::string_view path) const override;
  // kRootRelative: without the leading '/' of an absolute name.
  std::string Name(std::string_view path) const override;

 private:
  std::unique_ptr<Fs> owned_;  // set by BesideFile / InDirectory
  const Fs& fs_;
  Naming naming_;
  std::string prefix_;
  uint64_t max_bytes_;

  FsSiblingFiles(std::unique_ptr<Fs> owned, std::string prefix);
};

}  // namespace assay::inventory
