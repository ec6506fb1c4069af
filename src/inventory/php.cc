// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/php.h"

namespace assay::inventory {

base::Result<Parsed> ParseComposerLock(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": composer-lock parser not built yet");
}

base::Result<Parsed> ParseComposerInstalled(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": composer-installed parser not built yet");
}

}  // namespace assay::inventory
