// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder: delete this file when versions/npm is implemented.
#include "versions/npm.h"
#include "versions/internal/stub.h"

namespace assay::versions {
const Scheme& NpmScheme() {
  static const internal::Stub kStub("npm");
  return kStub;
}
}  // namespace assay::versions
