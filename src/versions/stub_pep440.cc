// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder: delete this file when versions/pep440 is implemented.
#include "versions/pep440.h"
#include "versions/internal/stub.h"

namespace assay::versions {
const Scheme& Pep440Scheme() {
  static const internal::Stub kStub("pep440");
  return kStub;
}
}  // namespace assay::versions
