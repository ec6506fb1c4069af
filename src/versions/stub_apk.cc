// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder: delete this file when versions/apk is implemented.
#include "versions/apk.h"
#include "versions/internal/stub.h"

namespace assay::versions {
const Scheme& ApkScheme() {
  static const internal::Stub kStub("apk");
  return kStub;
}
}  // namespace assay::versions
