// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// CVSS v2, v3.0, v3.1 and v4.0: strict vector parsing and scoring (base, temporal, environmental;
// v4.0 CVSS-B/BT/BE/BTE from the official lookup tables). Thread-safe, no global state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace assay::model {

enum class CvssVersion { kV2, kV30, kV31, kV40 };

// "2.0", "3.0", "3.1", "4.0".
std::string_view CvssVersionName(CvssVersion v);

struct CvssScore {
  CvssVersion version;
  std::string vector;                   // the vector as given
  std::optional<double> base;           // v2/v3: always; v4: only for a pure base vector
  std::optional<double> temporal;       // v2/v3 only (what the spec yields when absent/X)
  std::optional<double> environmental;  // v2/v3 only (what the spec yields when absent/X)
  // The headline score. v4: the score the nomenclature names. v2/v3: the most specific group
  // the vector sets (environmental if any environmental metric is set, else temporal if any
  // temporal metric is set, else base).
  double score = 0;
  std::string nomenclature;  // v4 only: "CVSS-B", "CVSS-BT", "CVSS-BE", "CVSS-BTE"; else empty
  // Qualitative rating: v3/v4 "None", "Low", "Medium", "High", "Critical" of `score`; v2 NVD
  // bands "Low" (<4), "Medium" (<7), "High" of `score`.
  std::string severity;
};

// Parses and scores `vector`. v3/v4 vectors carry their "CVSS:3.x/" or "CVSS:4.0/" prefix; v2
// vectors have none (an optional "(...)" wrapper and "CVSS:2.0/" prefix are accepted). Fails
// with InvalidArgument saying why when the vector is malformed (unknown, duplicate or missing
// mandatory metric, bad value, wrong order for v4, bad separators).
base::Result<CvssScore> ScoreCvss(std::string_view vector);

}  // namespace assay::model
