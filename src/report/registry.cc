// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include <array>

#include "report/render.h"

namespace assay::report {
namespace {

// One line per output format.
constexpr std::array kRenderers = {
    Renderer{"table", "a table for people, grouped by package, with a summary line", &RenderTable},
    Renderer{"json", "assay's scan document: Inspector2-shaped findings, summary, warnings",
             &RenderJson},
    Renderer{"sarif", "SARIF 2.1.0, one rule per vulnerability (code-scanning dashboards)",
             &RenderSarif},
    Renderer{"cyclonedx", "CycloneDX 1.5 JSON: components and vulnerabilities", &RenderCycloneDx},
    Renderer{"spdx", "SPDX 2.3 JSON: packages only (SPDX has no vulnerabilities)", &RenderSpdx},
    Renderer{"html", "one self-contained HTML page", &RenderHtml},
};

}  // namespace

std::span<const Renderer> Renderers() { return kRenderers; }

const Renderer* FindRenderer(std::string_view name) {
  for (const Renderer& r : kRenderers) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::string KnownFormats() {
  std::string out;
  for (const Renderer& r : kRenderers) {
    if (!out.empty()) out += ", ";
    out += r.name;
  }
  return out;
}

}  // namespace assay::report
