// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder: delete this file when versions/go is implemented.
#include "versions/go.h"
#include "versions/internal/stub.h"

namespace assay::versions {
const Scheme& GoScheme() {
  static const internal::Stub kStub("go");
  return kStub;
}
}  // namespace assay::versions
