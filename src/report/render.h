// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Renderers: a ScanResult in, one document out. Each format is one function, listed once in
// registry.cc; the scan and sbom verbs look formats up there. Every renderer is a pure function
// of its arguments (thread-safe, deterministic: the same result gives the same bytes), never
// fails, and escapes or replaces whatever the data holds (invalid UTF-8 becomes U+FFFD; control
// characters never reach a terminal; HTML gets every data string escaped).
//
//  json       assay's Inspector2-shaped scan document:
//               {"resource": {"type", "id", "path", "scannedAt", "os": {...inventory_json os}},
//                "findings": [model::FindingToJson ...],
//                "summary": {"critical", "high", "medium", "low", "informational", "untriaged",
//                            "total", "fixable", "packages"},
//                "warnings": [...], "database": {"buildId", "buildTime"}}
//  table      for people: one row per finding grouped by package (PACKAGE, INSTALLED, FIXED,
//             VULNERABILITY, SEVERITY, TITLE), then SummaryLine. Severities coloured with ANSI
//             escapes only when RenderOptions::color. Warnings are not part of it (the CLI prints
//             them to stderr).
//  sarif      SARIF 2.1.0: one run; tool.driver "assay" with one rule per vulnerability id
//             (shortDescription, fullDescription, helpUri, help, properties.security-severity
//             and tags); one result per finding (level error for CRITICAL/HIGH, warning for
//             MEDIUM, note otherwise) located at each vulnerable package's file; warnings as
//             toolExecutionNotifications.
//  cyclonedx  CycloneDX 1.5 JSON: metadata (timestamp, tools, the scanned resource as the
//             component), components (the OS as "operating-system", every package as "library"
//             with bom-ref = purl made unique), and for scans vulnerabilities (one per
//             vulnerability id: source, references, ratings, description, recommendation,
//             advisories, analysis when a fix exists, affects → the packages' bom-refs).
//  spdx       SPDX 2.3 JSON: the resource, the OS and every package (externalRefs purl) with
//             DESCRIBES/CONTAINS relationships. Inventory only: SPDX 2.3 has no vulnerabilities.
//  html       one self-contained page (inline CSS, no scripts, no external assets): summary,
//             findings with severity badges, warnings.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "report/scan_result.h"

namespace assay::report {

struct RenderOptions {
  bool color = false;  // table: ANSI colours (the CLI sets it only when stdout is a terminal)
  std::string tool_version = "0.1.0";  // written as the generating tool's version
};

std::string RenderJson(const ScanResult& result, const RenderOptions& options);
std::string RenderTable(const ScanResult& result, const RenderOptions& options);
std::string RenderSarif(const ScanResult& result, const RenderOptions& options);
std::string RenderCycloneDx(const ScanResult& result, const RenderOptions& options);
std::string RenderSpdx(const ScanResult& result, const RenderOptions& options);
std::string RenderHtml(const ScanResult& result, const RenderOptions& options);

using RenderFn = std::string (*)(const ScanResult& result, const RenderOptions& options);

struct Renderer {
  std::string_view name;         // the --format value
  std::string_view description;  // for --help
  RenderFn render;
};

// The one list of formats, in --help order.
std::span<const Renderer> Renderers();

// The renderer registered under `name`, or nullptr.
const Renderer* FindRenderer(std::string_view name);

// "json, table, sarif, ..." for messages.
std::string KnownFormats();

}  // namespace assay::report
