// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/ruby.h"

namespace assay::inventory {

base::Result<Parsed> ParseGemfileLock(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": gemfile-lock parser not built yet");
}

base::Result<Parsed> ParseGemspec(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": gemspec parser not built yet");
}

}  // namespace assay::inventory
