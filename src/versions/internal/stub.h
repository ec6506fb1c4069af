// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder scheme used until a real implementation replaces it.
#pragma once

#include <string>

#include "versions/scheme.h"

namespace assay::versions::internal {
class Stub final : public Scheme {
 public:
  explicit Stub(std::string_view n) : n_(n) {}
  std::string_view Name() const override { return n_; }
  base::Status Validate(std::string_view) const override {
    return base::Status::NotSupported(std::string(n_) + " versions are not implemented");
  }
  base::Result<int> Compare(std::string_view, std::string_view) const override {
    return base::Status::NotSupported(std::string(n_) + " versions are not implemented");
  }

 private:
  std::string_view n_;
};
}  // namespace assay::versions::internal
