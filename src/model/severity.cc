// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "model/severity.h"

#include "base/strings.h"

namespace assay::model {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kUntriaged: return "UNTRIAGED";
    case Severity::kInformational: return "INFORMATIONAL";
    case Severity::kLow: return "LOW";
    case Severity::kMedium: return "MEDIUM";
    case Severity::kHigh: return "HIGH";
    case Severity::kCritical: return "CRITICAL";
  }
  return "UNTRIAGED";
}

std::optional<Severity> ParseSeverity(std::string_view s) {
  std::string l = base::AsciiLower(base::Trim(s));
  if (l == "critical") return Severity::kCritical;
  if (l == "high" || l == "important") return Severity::kHigh;
  if (l == "medium" || l == "moderate") return Severity::kMedium;
  if (l == "low" || l == "negligible") return Severity::kLow;
  if (l == "informational" || l == "none" || l == "info") return Severity::kInformational;
  if (l == "untriaged" || l == "unknown") return Severity::kUntriaged;
  return std::nullopt;
}

}  // namespace assay::model
