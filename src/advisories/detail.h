// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The JSON document `assay db get` prints for one stored advisory: the record as the feed had it,
// every CVSS vector it carries scored by model::ScoreCvss, the NVD CVSS of its CVE ids, and its
// CISA KEV membership.
#pragma once

#include <nlohmann/json.hpp>

#include "advisories/db.h"

namespace assay::advisories {

// {"advisory": <OSV JSON as stored>, "source": "PyPI", "sources": [...], "resolved_alias": "…"
//  (only when asked by alias), "cves": [...],
//  "cvss": [{"source", "type", "vector", "version", "base", "score", "severity"
//            [, "nomenclature"] [, "nvd_score"]} | {"source", "type", "vector", "error"}, ...],
//  "kev": {"cve", "vendor", "product", "name", "date_added", "due_date",
//          "known_ransomware_campaign_use"} | null,
//  "kev_entries": [...]}
// `cvss` lists the advisory-level severity ("osv"), each distinct affected-level vector
// ("osv:affected[i]"), then NVD's v3 and v2 vectors ("nvd:<CVE>"). Thread-safe.
nlohmann::ordered_json AdvisoryDetailJson(const StoredAdvisory& advisory);

}  // namespace assay::advisories
