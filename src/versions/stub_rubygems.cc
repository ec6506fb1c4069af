// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder: delete this file when versions/rubygems is implemented.
#include "versions/rubygems.h"
#include "versions/internal/stub.h"

namespace assay::versions {
const Scheme& RubyGemsScheme() {
  static const internal::Stub kStub("rubygems");
  return kStub;
}
}  // namespace assay::versions
