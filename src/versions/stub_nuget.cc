// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder: delete this file when versions/nuget is implemented.
#include "versions/nuget.h"
#include "versions/internal/stub.h"

namespace assay::versions {
const Scheme& NuGetScheme() {
  static const internal::Stub kStub("nuget");
  return kStub;
}
}  // namespace assay::versions
