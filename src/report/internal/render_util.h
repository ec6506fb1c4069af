// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Helpers shared by the renderers; private to the report module. Pure functions: thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "model/finding.h"
#include "model/inventory.h"
#include "report/scan_result.h"

namespace assay::report::internal {

// Two-space indented JSON with a final newline; invalid UTF-8 replaced with U+FFFD.
std::string DumpJson(const nlohmann::ordered_json& j);

// "critical", "high", "medium", "low", "informational", "untriaged".
std::string_view SeverityLower(model::Severity s);

// An http(s) URL without whitespace, control characters or characters a URI never holds
// unescaped; data that fails this is not written where a schema expects a URI.
bool IsWebUrl(std::string_view s);

// "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)".
bool IsRfc3339(std::string_view s);

// A UUID (lower-case 8-4-4-4-12) derived from SHA-256 of `seed`, laid out as a name-based
// version 5 UUID so that the same scan gives the same serial number.
std::string DeterministicUuid(std::string_view seed);

// Valid UTF-8 (bad bytes → U+FFFD) with every control character (C0, DEL, C1) replaced by a
// space, so data can be printed on a terminal or in one table cell.
std::string CleanText(std::string_view s);

// Code points in valid UTF-8 (a stand-in for terminal columns).
std::size_t DisplayWidth(std::string_view utf8);

// At most `width` code points, the last one "…" when something was cut.
std::string Truncate(std::string_view utf8, std::size_t width);

// &, <, >, " and ' escaped; the text is made valid UTF-8 first.
std::string HtmlEscape(std::string_view s);

// Percent-encodes everything but unreserved characters and '/', for a URI reference.
std::string UriPathEncode(std::string_view path);

// A unique bom-ref per inventory package, in inventory order: the purl (the first package with
// it), the purl plus "#<n>" for a later package with the same purl, "package-<n>" without purl.
std::vector<std::string> PackageRefs(const model::Inventory& inventory);

// The index in inventory.packages that a finding's vulnerable package names: the same purl, else
// the same name, version and path; npos when none.
std::size_t FindPackage(const model::Inventory& inventory, const model::VulnerablePackage& vp);

// bom-ref of the OS component: "os:<id>@<version_id>".
std::string OsRef(const model::OsInfo& os);

// The finding's score, else a stand-in for its severity (CRITICAL 9.5, HIGH 8.0, MEDIUM 5.5,
// LOW 2.0, otherwise 0), for SARIF's security-severity.
double SeverityScore(const model::Finding& finding);

// One decimal: "7.5", "10.0".
std::string FormatScore(double score);

// "rootfs /srv/debian", "host /", "sbom bom.json".
std::string ResourceLabel(const ScannedResource& resource);

// An image's details as the json formats write them: {"manifestDigest", "configDigest", "tags",
// "os", "architecture", "variant", "created", "labels", "layers"}.
nlohmann::ordered_json ImageDetailsJson(const ImageDetails& image);

// Findings ordered for people: package name, installed version, file, then severity (highest
// first), then vulnerability id. Returns (finding index, vulnerable package index) pairs; a
// finding without vulnerable packages appears once with package index npos.
struct Row {
  std::size_t finding;
  std::size_t package;
};
std::vector<Row> RowsByPackage(const std::vector<model::Finding>& findings);

}  // namespace assay::report::internal
