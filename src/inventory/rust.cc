// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/rust.h"

namespace assay::inventory {

base::Result<Parsed> ParseCargoLock(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": cargo-lock parser not built yet");
}

base::Result<Parsed> ParseRustBinary(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": rust-binary parser not built yet");
}

}  // namespace assay::inventory
