// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/javascript.h"

namespace assay::inventory {

base::Result<Parsed> ParsePackageLockJson(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": package-lock-json parser not built yet");
}

base::Result<Parsed> ParseYarnLock(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": yarn-lock parser not built yet");
}

base::Result<Parsed> ParsePnpmLock(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": pnpm-lock parser not built yet");
}

base::Result<Parsed> ParseBunLock(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": bun-lock parser not built yet");
}

base::Result<Parsed> ParsePackageJson(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": package-json parser not built yet");
}

}  // namespace assay::inventory
