// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Test helper (tests and fuzz harnesses only): SiblingFiles served from memory, recording what
// was asked for.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inventory/parser.h"

namespace assay::inventory::internal {

class FakeSiblings final : public SiblingFiles {
 public:
  FakeSiblings() = default;
  explicit FakeSiblings(std::map<std::string, std::string> files) : files_(std::move(files)) {}

  // Serves `bytes` for every path not listed (a fuzz harness's one input).
  void ServeAnyPath(std::string bytes) {
    any_ = std::move(bytes);
    serve_any_ = true;
  }

  base::Result<std::string> Read(std::string_view path) const override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      asked_.emplace_back(path);
    }
    auto it = files_.find(std::string(path));
    if (it != files_.end()) return it->second;
    if (serve_any_) return any_;
    return base::Status::NotFound(std::string(path) + ": no such file");
  }

  // Every path asked for, in order.
  std::vector<std::string> asked() const {
    std::lock_guard<std::mutex> lock(mu_);
    return asked_;
  }

 private:
  std::map<std::string, std::string> files_;
  std::string any_;
  bool serve_any_ = false;
  mutable std::mutex mu_;
  mutable std::vector<std::string> asked_;
};

}  // namespace assay::inventory::internal
