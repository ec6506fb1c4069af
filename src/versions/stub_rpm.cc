// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder: delete this file when versions/rpm is implemented.
#include "versions/rpm.h"
#include "versions/internal/stub.h"

namespace assay::versions {
const Scheme& RpmScheme() {
  static const internal::Stub kStub("rpm");
  return kStub;
}
}  // namespace assay::versions
