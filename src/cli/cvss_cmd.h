// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The logic behind `assay cvss`, apart from argument parsing so it can be tested.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace assay::cli {

// Scores one vector (model::ScoreCvss) and returns the object `assay cvss` prints, always with
// these keys in this order: "version" ("2.0", "3.0", "3.1", "4.0"), "valid" (bool), "base",
// "temporal", "environmental", "score" (numbers), "nomenclature" (v4 "CVSS-B"...), "severity"
// (the rating documented on model::CvssScore::severity), "error" (why the vector is invalid).
// Keys that do not apply are null: everything but "valid" and "error" for an invalid vector,
// "error" for a valid one, "temporal"/"environmental" for v4, "base" for v4 vectors that are
// not CVSS-B, "nomenclature" for v2/v3. Thread-safe.
nlohmann::ordered_json CvssToJson(std::string_view vector);

// One `--batch` line: `{"vector": "..."}` in, the CvssToJson object out, serialized without a
// newline. A line that is not such an object yields valid:false with an error naming
// `line_number` (1-based).
std::string CvssBatchLine(std::string_view line, size_t line_number);

}  // namespace assay::cli
