// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/java.h"

namespace assay::inventory {

base::Result<Parsed> ParseJar(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": jar parser not built yet");
}

base::Result<Parsed> ParsePomXml(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": pom-xml parser not built yet");
}

base::Result<Parsed> ParseGradleLockfile(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": gradle-lockfile parser not built yet");
}

}  // namespace assay::inventory
