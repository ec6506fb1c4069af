// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Private to the model module: the pieces shared by cvss.cc (dispatch, v2, v3) and cvss_v4.cc.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "base/status.h"
#include "model/cvss.h"

namespace assay::model::internal {

enum class CvssGroup { kBase, kThreat, kEnvironmental, kSupplemental };

// One metric of a CVSS version. `values` lists the allowed values separated by single spaces;
// names and values are case-sensitive, as every CVSS specification writes them.
struct CvssMetricDef {
  std::string_view name;
  std::string_view values;
  CvssGroup group;
};

// Parses `body` ("AV:N/AC:L/...", the vector without its version prefix) against `defs`.
// On success out[i] holds the value given for defs[i], or is empty when the metric is absent;
// `out.size()` must equal `defs.size()`. Base metrics are mandatory. With `ordered`, metrics
// must appear in the order of `defs` (CVSS v4.0). Fails with InvalidArgument and a reason
// (without the version) on an empty or trailing component, a component without exactly one ':',
// an unknown, lower-case, duplicate, out-of-order or missing metric, or a bad value.
base::Status ParseCvssMetrics(std::string_view body, std::span<const CvssMetricDef> defs,
                              bool ordered, std::span<std::string_view> out);

// "None", "Low", "Medium", "High", "Critical" of a v3/v4 score (spec v3.1 §5, v4.0 §6).
std::string_view CvssV3Rating(double score);

// Parses and scores a CVSS v4.0 vector; `body` is `vector` without "CVSS:4.0/".
base::Result<CvssScore> ScoreCvssV4(std::string_view vector, std::string_view body);

// The score of the highest-severity vector of MacroVector EQ1..EQ6 (v4.0 spec §8.2), or
// nullopt when that MacroVector does not exist (a level out of range, or EQ3=2 with EQ6=0).
// Used both for the vector's own MacroVector and for its next lower neighbours.
std::optional<double> CvssV4MacroVectorScore(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6);

}  // namespace assay::model::internal
