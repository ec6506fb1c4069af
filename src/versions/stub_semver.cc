// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder: delete this file when versions/semver is implemented.
#include "versions/npm.h"
#include "versions/internal/stub.h"

namespace assay::versions {
const Scheme& SemverScheme() {
  static const internal::Stub kStub("semver");
  return kStub;
}
}  // namespace assay::versions
