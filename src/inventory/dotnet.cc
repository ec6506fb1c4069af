// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/dotnet.h"

namespace assay::inventory {

base::Result<Parsed> ParseNugetLock(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": nuget-lock parser not built yet");
}

base::Result<Parsed> ParseDepsJson(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": deps-json parser not built yet");
}

}  // namespace assay::inventory
