// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The JSON form of one model::Finding, shaped like an Amazon Inspector2 finding so tools that
// read Inspector findings read assay's:
//
//   {"findingId", "type", "title", "description", "severity", "status",
//    "score": number|null, "fixAvailable": "YES"|"NO"|"PARTIAL",
//    "firstObservedAt", "lastObservedAt", "updatedAt",
//    "packageVulnerabilityDetails": {
//      "vulnerabilityId", "source", "sourceUrl", "vendorSeverity",
//      "relatedVulnerabilities": [...],
//      "cvss": [{"baseScore", "scoringVector", "source", "version"}],
//      "referenceUrls": [...],
//      "vulnerablePackages": [{"name", "version", "sourceName", "sourceVersion", "arch",
//                              "fixedInVersion", "packageManager", "filePath", "ecosystem",
//                              "purl", "sourceLayerHash", "remediation"}],
//      "vendorCreatedAt", "vendorUpdatedAt"},
//    "epss": null | {"score"},
//    "exploitAvailable": "YES"|"NO",
//    "exploitabilityDetails": null | {"lastKnownExploitAt"}}
//
// Keys always present, in this order; unknown strings are "". `lastKnownExploitAt` is the KEV
// date: a "YYYY-MM-DD" date is written as "YYYY-MM-DDT00:00:00Z" (Inspector writes timestamps)
// and read back as the date. Pure functions: thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"
#include "model/finding.h"

namespace assay::model {

// "YES" / "NO" / "PARTIAL" (declared in finding.h); ParseFixAvailable is its inverse
// (case-sensitive), nullopt for anything else.
std::optional<FixAvailable> ParseFixAvailable(std::string_view s);

nlohmann::ordered_json FindingToJson(const Finding& finding);

// FindingToJson serialized with two-space indentation and a final newline; bytes that are not
// valid UTF-8 are replaced with U+FFFD rather than failing.
std::string FindingToJsonText(const Finding& finding);

// The inverse of FindingToJson. Missing keys and nulls read as empty / defaults; InvalidArgument
// naming the key when the text is not JSON, a value has the wrong type, or an enumeration
// (severity, fixAvailable, exploitAvailable) holds an unknown value. Unknown keys are ignored.
base::Result<Finding> FindingFromJson(const nlohmann::json& doc);
base::Result<Finding> FindingFromJsonText(std::string_view text);

}  // namespace assay::model
