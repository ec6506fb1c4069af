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
#include "model/severity.h"

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
  // Qualitative rating, as NVD and the peers' test vectors define it: v2/v3 rate the *base*
  // score (v3 "None", "Low", "Medium", "High", "Critical"; v2 NVD bands "Low" (<4), "Medium"
  // (<7), "High"); v4 rates `score`, the only score v4 defines. For v2/v3 vectors with temporal
  // or environmental metrics this can differ from the rating of `score`; use CvssRating() for
  // that.
  std::string severity;
};

// Parses and scores `vector`. v3/v4 vectors carry their "CVSS:3.x/" or "CVSS:4.0/" prefix; v2
// vectors have none (an optional "(...)" wrapper and "CVSS:2.0/" prefix are accepted). Fails
// with InvalidArgument saying why when the vector is malformed (unknown, duplicate or missing
// mandatory metric, bad value, wrong order for v4, bad separators).
// Strict: metric names, values and the prefix are case-sensitive, surrounding whitespace is not
// trimmed, and empty components (including a trailing '/') are errors. v2/v3 metrics may come
// in any order; v4 metrics must follow the specification's order. An explicit "X"/"ND" equals an
// absent metric and does not count as "set" for `score` or the v4 nomenclature. v4 supplemental
// metrics are validated but never change a score. Rounding is half up (v2, v4) or the version's
// Roundup (v3.0, v3.1) of the exact value: ties that binary floating point lands just below
// (v2 9.0 × 0.95 = 8.55, v4 5.65) round up.
base::Result<CvssScore> ScoreCvss(std::string_view vector);

// The qualitative rating of `score` (0..10) under version `v`'s bands: v3/v4 "None" (0.0),
// "Low" (<4.0), "Medium" (<7.0), "High" (<9.0), "Critical"; v2 NVD "Low" (<4.0), "Medium"
// (<7.0), "High".
std::string_view CvssRating(CvssVersion v, double score);

// Maps a rating as in CvssScore::severity to a finding severity: "None" → kInformational, "Low",
// "Medium", "High", "Critical" → the same level; anything else → kUntriaged. Case-sensitive.
Severity CvssSeverityToSeverity(std::string_view rating);

}  // namespace assay::model
