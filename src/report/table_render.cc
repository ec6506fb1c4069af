// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The table format: findings for people, grouped by package (render.h).
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "model/severity.h"
#include "report/internal/render_util.h"
#include "report/render.h"

namespace assay::report {
namespace {

using internal::CleanText;
using internal::DisplayWidth;
using internal::Truncate;

enum Column { kPackage, kInstalled, kFixed, kVulnerability, kSeverity, kTitle, kColumns };
constexpr std::array<std::string_view, kColumns> kHeaders = {"PACKAGE",       "INSTALLED", "FIXED",
                                                             "VULNERABILITY", "SEVERITY",  "TITLE"};
// Widest a cell may get before it is cut with "…"; the title is last and not padded.
constexpr std::array<std::size_t, kColumns> kMaxWidth = {40, 32, 32, 24, 13, 80};

std::string_view Colour(model::Severity s) {
  switch (s) {
    case model::Severity::kCritical:
      return "\x1b[1;31m";
    case model::Severity::kHigh:
      return "\x1b[31m";
    case model::Severity::kMedium:
      return "\x1b[33m";
    case model::Severity::kLow:
      return "\x1b[34m";
    default:
      return "";
  }
}

std::string Pad(const std::string& cell, std::size_t width) {
  std::size_t w = DisplayWidth(cell);
  return w >= width ? cell : cell + std::string(width - w, ' ');
}

}  // namespace

std::string RenderTable(const ScanResult& result, const RenderOptions& options) {
  std::string out;
  const model::OsInfo& os = result.inventory.os;
  std::string heading = internal::ResourceLabel(result.resource);
  if (!os.pretty_name.empty()) {
    heading += " (" + os.pretty_name + ")";
  } else if (!os.id.empty()) {
    heading += " (" + os.id + (os.version_id.empty() ? "" : " " + os.version_id) + ")";
  }
  if (!result.database.build_id.empty()) {
    heading += ", advisory DB " + result.database.build_id.substr(0, 12) + " built " +
               result.database.build_time;
  }
  out += CleanText(heading) + "\n\n";

  struct Line {
    std::array<std::string, kColumns> cells;
    model::Severity severity;
  };
  std::vector<Line> lines;
  std::string last_group;
  for (const internal::Row& row : internal::RowsByPackage(result.findings)) {
    const model::Finding& f = result.findings[row.finding];
    const auto& d = f.package_vulnerability_details;
    model::VulnerablePackage none;
    const model::VulnerablePackage& vp =
        row.package == std::string::npos ? none : d.vulnerable_packages[row.package];
    Line line;
    line.severity = f.severity;
    std::string group = vp.name + '\n' + vp.version + '\n' + vp.file_path;
    if (group != last_group || lines.empty()) {
      line.cells[kPackage] = vp.name.empty() ? "-" : vp.name;
      line.cells[kInstalled] = vp.version.empty() ? "-" : vp.version;
      last_group = group;
    }
    line.cells[kFixed] = vp.fixed_in_version.empty() ? "-" : vp.fixed_in_version;
    line.cells[kVulnerability] = d.vulnerability_id;
    line.cells[kSeverity] = std::string(model::SeverityName(f.severity));
    line.cells[kTitle] = f.title;
    for (std::size_t c = 0; c < kColumns; ++c) {
      line.cells[c] = Truncate(CleanText(line.cells[c]), kMaxWidth[c]);
    }
    lines.push_back(std::move(line));
  }

  if (!lines.empty()) {
    std::array<std::size_t, kColumns> width{};
    for (std::size_t c = 0; c < kColumns; ++c) width[c] = kHeaders[c].size();
    for (const Line& l : lines) {
      for (std::size_t c = 0; c < kColumns; ++c) {
        width[c] = std::max(width[c], DisplayWidth(l.cells[c]));
      }
    }
    auto emit = [&](const std::array<std::string, kColumns>& cells, std::string_view colour) {
      std::string text;
      for (std::size_t c = 0; c < kColumns; ++c) {
        bool last = c + 1 == kColumns;
        std::string cell = last ? cells[c] : Pad(cells[c], width[c]);
        if (c == kSeverity && !colour.empty()) cell = std::string(colour) + cell + "\x1b[0m";
        text += cell;
        if (!last) text += "  ";
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      out += text + "\n";
    };
    std::array<std::string, kColumns> header;
    for (std::size_t c = 0; c < kColumns; ++c) header[c] = std::string(kHeaders[c]);
    emit(header, "");
    for (const Line& l : lines) emit(l.cells, options.color ? Colour(l.severity) : "");
    out += "\n";
  }
  out += SummaryLine(Summarize(result)) + "\n";
  return out;
}

}  // namespace assay::report
