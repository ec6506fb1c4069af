// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Evaluation of OSV `affected[]` entries: is version v of a package inside the entry's `versions`
// list or one of its `ranges`? Implements the schema's algorithm (events sorted by version with
// ties in record order; introduced "0" sorts first; limit events bound the range, "*" meaning
// infinity) and adds what a scanner needs on top of it:
//   - the `fixed` version that closes the interval v lies in (for fixedInVersion / fixAvailable);
//   - ranges that cannot be evaluated safely (an event version that does not parse, or an
//     inverted range whose `fixed` precedes every `introduced`) are skipped and reported in
//     `problems`, never widened;
//   - GIT ranges are not evaluated (they need the repository); only `versions` can match them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/osv.h"
#include "versions/scheme.h"

namespace assay::versions {

struct AffectedVerdict {
  bool affected = false;
  bool in_versions_list = false;  // matched by the `versions` list rather than a range
  // When affected through a range: the `fixed` event ending the interval that holds v; empty
  // when the interval is open or ends in `last_affected` (no fix known).
  std::string fixed_version;
  // Ranges that were skipped, each with its index and reason ("ranges[1]: fixed \"x\" does not
  // parse as dpkg: ..."). A caller reports them once per advisory.
  std::vector<std::string> problems;
};

// Evaluates one affected entry for `version`. `scheme` orders ECOSYSTEM ranges (and `versions`
// entries); SEMVER ranges use the SemVer 2.0 scheme unless `scheme` is itself SemVer-shaped
// (npm, semver, go). Fails with InvalidArgument only when `version` itself does not parse and a
// comparison was needed. Thread-safe.
base::Result<AffectedVerdict> EvaluateAffected(const model::OsvAffected& affected,
                                               std::string_view version, const Scheme& scheme);

// Evaluates one range (ECOSYSTEM or SEMVER semantics with `scheme`). `fixed_version` receives the
// closing fixed event when affected. Problems make the range unevaluable: the result is then an
// error with code kCorruption (event data) or kInvalidArgument (the version).
base::Result<bool> RangeContains(const model::OsvRange& range, std::string_view version,
                                 const Scheme& scheme, std::string* fixed_version);

}  // namespace assay::versions
