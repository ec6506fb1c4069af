// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// A version scheme orders the version strings of one ecosystem (dpkg, rpm, PEP 440, ...).
// Contract (leveldb's Comparator): a three-way Compare, a stable Name(), thread-safe, one shared
// instance per scheme. Invalid versions are reported as errors, never thrown and never crash.
#pragma once

#include <string_view>

#include "base/status.h"

namespace assay::versions {

class Scheme {
 public:
  virtual ~Scheme() = default;

  // Stable identifier, e.g. "dpkg"; used to detect comparator mismatches in stored data.
  virtual std::string_view Name() const = 0;

  // OK when `v` is a valid version of this scheme; InvalidArgument naming the problem otherwise.
  virtual base::Status Validate(std::string_view v) const = 0;

  // <0, 0 or >0 as a sorts before, equal to (same precedence) or after b. Fails with
  // InvalidArgument ("invalid <scheme> version \"...\": reason") when either side is invalid.
  virtual base::Result<int> Compare(std::string_view a, std::string_view b) const = 0;
};

// Normalises a Compare result to -1, 0 or 1.
inline int Sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

}  // namespace assay::versions
