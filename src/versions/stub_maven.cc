// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder: delete this file when versions/maven is implemented.
#include "versions/maven.h"
#include "versions/internal/stub.h"

namespace assay::versions {
const Scheme& MavenScheme() {
  static const internal::Stub kStub("maven");
  return kStub;
}
}  // namespace assay::versions
