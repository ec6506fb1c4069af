// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder: delete this file when versions/packagist is implemented.
#include "versions/packagist.h"
#include "versions/internal/stub.h"

namespace assay::versions {
const Scheme& PackagistScheme() {
  static const internal::Stub kStub("packagist");
  return kStub;
}
}  // namespace assay::versions
