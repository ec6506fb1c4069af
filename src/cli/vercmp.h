// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The logic behind `assay vercmp`, apart from argument parsing so it can be tested.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace assay::cli {

// -1, 0 or 1 comparing `a` and `b` in an OSV ecosystem; InvalidArgument for an unknown ecosystem
// or a version that does not parse.
base::Result<int> CompareInEcosystem(std::string_view ecosystem, std::string_view a,
                                     std::string_view b);

// One `--batch` line: `{"ecosystem","a","b"}` in, `{"cmp":N}` or `{"error":"..."}` out (no
// newline). `line_number` is 1-based and named in errors about the line itself.
std::string VercmpBatchLine(std::string_view line, size_t line_number);

}  // namespace assay::cli
