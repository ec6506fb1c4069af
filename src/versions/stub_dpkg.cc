// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder: delete this file when versions/dpkg is implemented.
#include "versions/dpkg.h"
#include "versions/internal/stub.h"

namespace assay::versions {
const Scheme& DpkgScheme() {
  static const internal::Stub kStub("dpkg");
  return kStub;
}
}  // namespace assay::versions
