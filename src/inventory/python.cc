// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/python.h"

namespace assay::inventory {

base::Result<Parsed> ParsePythonMetadata(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": python-metadata parser not built yet");
}

base::Result<Parsed> ParseRequirementsTxt(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": requirements-txt parser not built yet");
}

base::Result<Parsed> ParsePoetryLock(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": poetry-lock parser not built yet");
}

base::Result<Parsed> ParsePipfileLock(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": pipfile-lock parser not built yet");
}

base::Result<Parsed> ParsePdmLock(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": pdm-lock parser not built yet");
}

base::Result<Parsed> ParseUvLock(const ParseInput& input) {
  return base::Status::NotSupported(input.path + ": uv-lock parser not built yet");
}

}  // namespace assay::inventory
