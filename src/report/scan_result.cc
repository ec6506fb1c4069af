// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "report/scan_result.h"

#include <chrono>
#include <ctime>
#include <utility>

#include "base/strings.h"

namespace assay::report {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool Digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!base::IsDigit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

Summary Summarize(const ScanResult& result) {
  Summary s;
  s.packages = result.inventory.packages.size();
  for (const model::Finding& f : result.findings) {
    ++s.total;
    if (f.fix_available != model::FixAvailable::kNo) ++s.fixable;
    switch (f.severity) {
      case model::Severity::kCritical:
        ++s.critical;
        break;
      case model::Severity::kHigh:
        ++s.high;
        break;
      case model::Severity::kMedium:
        ++s.medium;
        break;
      case model::Severity::kLow:
        ++s.low;
        break;
      case model::Severity::kInformational:
        ++s.informational;
        break;
      case model::Severity::kUntriaged:
        ++s.untriaged;
        break;
    }
  }
  return s;
}

std::string SummaryLine(const Summary& s) {
  auto count = [](std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::string out = count(s.total, "finding", "findings");
  std::string parts;
  for (const auto& [n, name] :
       {std::pair{s.critical, "critical"}, std::pair{s.high, "high"}, std::pair{s.medium, "medium"},
        std::pair{s.low, "low"}, std::pair{s.informational, "informational"},
        std::pair{s.untriaged, "untriaged"}}) {
    if (n == 0) continue;
    if (!parts.empty()) parts += ", ";
    parts += std::to_string(n) + " " + name;
  }
  if (!parts.empty()) out += " (" + parts + ")";
  out += " in " + count(s.packages, "package", "packages");
  out += "; " + std::to_string(s.fixable) + " fixable";
  return out;
}

ScanResult InventoryResult(model::Inventory inventory, ScannedResource resource) {
  ScanResult r;
  r.resource = std::move(resource);
  r.inventory = std::move(inventory);
  for (const model::InventoryWarning& w : r.inventory.warnings) {
    r.warnings.push_back(w.location.empty() ? w.message : w.location + ": " + w.message);
  }
  r.vulnerability_scan = false;
  return r;
}

std::string FormatRfc3339(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (::gmtime_r(&t, &tm) == nullptr) return "1970-01-01T00:00:00Z";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string NowRfc3339() {
  auto now = std::chrono::system_clock::now();
  return FormatRfc3339(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

std::optional<std::int64_t> ParseRfc3339(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, month) ||
      s[7] != '-' || !Digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') ||
      !Digits(s, 11, 2, hour) || s[13] != ':' || !Digits(s, 14, 2, minute) || s[16] != ':' ||
      !Digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t start = i;
    while (i < s.size() && base::IsDigit(s[i])) ++i;
    if (i == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
    offset = 0;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int oh, om;
    if (!Digits(s, i + 1, 2, oh) || !Digits(s, i + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 60 + om) * 60 * (s[i] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  std::int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second - offset;
}

}  // namespace assay::report
