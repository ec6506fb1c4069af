// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Test helper (tests only): a small root filesystem built in a temporary directory.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/file.h"
#include "inventory/collector.h"
#include "inventory/fs.h"

namespace assay::inventory::internal {

namespace stdfs = std::filesystem;

class Tree {
 public:
  Tree() {
    auto tmp = base::TempDir::Create("assay-collector-test");
    EXPECT_TRUE(tmp.ok()) << tmp.status().ToString();
    tmp_.emplace(std::move(tmp).value());
    root_ = tmp_->path() / "root";
    stdfs::create_directories(root_);
  }

  Tree& File(const std::string& rel, std::string_view text) {
    stdfs::path p = root_ / rel;
    stdfs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return *this;
  }

  Tree& Mode(const std::string& rel, stdfs::perms perms) {
    stdfs::permissions(root_ / rel, perms);
    return *this;
  }

  Tree& Copy(const stdfs::path& from, const std::string& rel) {
    stdfs::path p = root_ / rel;
    stdfs::create_directories(p.parent_path());
    stdfs::copy_file(from, p);
    return *this;
  }

  Tree& Symlink(const std::string& target, const std::string& rel) {
    stdfs::path p = root_ / rel;
    stdfs::create_directories(p.parent_path());
    EXPECT_EQ(::symlink(target.c_str(), p.c_str()), 0) << rel;
    return *this;
  }

  Tree& Fifo(const std::string& rel) {
    stdfs::path p = root_ / rel;
    stdfs::create_directories(p.parent_path());
    EXPECT_EQ(::mkfifo(p.c_str(), 0644), 0) << rel;
    return *this;
  }

  model::Inventory Collect(const CollectOptions& options = {}) const {
    auto fs = OpenDirFs(root_);
    EXPECT_TRUE(fs.ok()) << fs.status().ToString();
    if (!fs.ok()) return {};
    auto inv = CollectInventory(**fs, options);
    EXPECT_TRUE(inv.ok()) << inv.status().ToString();
    return inv.ok() ? std::move(inv).value() : model::Inventory{};
  }

  model::OsInfo Os(std::vector<model::InventoryWarning>* warnings = nullptr) const {
    auto fs = OpenDirFs(root_);
    EXPECT_TRUE(fs.ok());
    std::vector<model::InventoryWarning> w;
    model::OsInfo os = fs.ok() ? DetectOs(**fs, w) : model::OsInfo{};
    if (warnings != nullptr) *warnings = w;
    return os;
  }

  const stdfs::path& root() const { return root_; }

 private:
  std::optional<base::TempDir> tmp_;
  stdfs::path root_;
};

}  // namespace assay::inventory::internal
