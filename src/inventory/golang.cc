// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/golang.h"

namespace assay::inventory {

base::Result<Parsed> ParseGoMod(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": go-mod parser not built yet");
}

base::Result<Parsed> ParseGoBinary(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": go-binary parser not built yet");
}

}  // namespace assay::inventory
