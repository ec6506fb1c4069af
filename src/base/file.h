// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// File helpers with Status errors, and atomic replacement of a file: write a sibling temporary,
// fsync it, rename it over the target, fsync the directory. A crash at any point leaves either
// the old file or the new one, never a half-written one.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/status.h"

namespace assay::base {

Result<std::string> ReadFile(const std::filesystem::path& path);
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data);

// A uniquely named temporary path next to `target` ("<target>.tmp-<pid>-<random>"). Nothing is
// created; the caller writes it and then calls CommitAtomic or removes it.
std::filesystem::path SiblingTempPath(const std::filesystem::path& target);

// fsyncs `tmp`, renames it to `target` and fsyncs the directory.
Status CommitAtomic(const std::filesystem::path& tmp, const std::filesystem::path& target);

// A private temporary directory removed (recursively) on destruction.
class TempDir {
 public:
  static Result<TempDir> Create(std::string_view prefix = "assay");
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
};

}  // namespace assay::base
