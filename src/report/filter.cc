// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "report/filter.h"

#include <algorithm>
#include <utility>

#include "base/strings.h"

namespace assay::report {
namespace {

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!base::IsDigit(s[i])) return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool Matches(const IgnoreEntry& e, const model::Finding& f) {
  const auto& d = f.package_vulnerability_details;
  if (base::EqualsIgnoreCase(d.vulnerability_id, e.id)) return true;
  return std::any_of(d.related_vulnerabilities.begin(), d.related_vulnerabilities.end(),
                     [&](const std::string& r) { return base::EqualsIgnoreCase(r, e.id); });
}

}  // namespace

base::Result<std::vector<IgnoreEntry>> ParseIgnoreFile(std::string_view text,
                                                       const std::string& path) {
  std::vector<IgnoreEntry> out;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    auto fail = [&](const std::string& why) {
      return base::Status::InvalidArgument(path + ":" + std::to_string(line_no) + ": " + why);
    };
    IgnoreEntry e;
    e.line = line_no;
    if (std::size_t hash = line.find('#'); hash != std::string_view::npos) {
      e.reason = std::string(base::Trim(line.substr(hash + 1)));
      line = line.substr(0, hash);
    }
    std::vector<std::string_view> tokens;
    for (std::size_t i = 0; i < line.size();) {
      while (i < line.size() && base::IsSpace(line[i])) ++i;
      std::size_t start = i;
      while (i < line.size() && !base::IsSpace(line[i])) ++i;
      if (i > start) tokens.push_back(line.substr(start, i - start));
    }
    if (tokens.empty()) continue;
    e.id = std::string(tokens[0]);
    if (e.id.find('=') != std::string::npos)
      return fail("an entry starts with an ID, got '" + e.id + "'");
    for (std::size_t t = 1; t < tokens.size(); ++t) {
      std::string_view tok = tokens[t];
      if (base::StartsWithIgnoreCase(tok, "expires=")) {
        std::string_view date = tok.substr(8);
        if (!IsDate(date))
          return fail("expires= wants a date YYYY-MM-DD, got '" + std::string(date) + "'");
        if (!e.expires.empty()) return fail("expires= given twice");
        e.expires = std::string(date);
      } else {
        return fail("unexpected '" + std::string(tok) +
                    "' (an entry is: ID [expires=YYYY-MM-DD] [# reason])");
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

base::Result<std::vector<model::Severity>> ParseSeverityList(std::string_view list) {
  std::vector<model::Severity> out;
  for (std::string_view item : base::Split(list, ',')) {
    item = base::Trim(item);
    if (item.empty()) continue;
    auto s = model::ParseSeverity(item);
    if (!s) {
      return base::Status::InvalidArgument(
          "unknown severity '" + std::string(item) +
          "' (known: CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNTRIAGED)");
    }
    if (std::find(out.begin(), out.end(), *s) == out.end()) out.push_back(*s);
  }
  if (out.empty()) {
    return base::Status::InvalidArgument("--severity wants a list such as CRITICAL,HIGH");
  }
  return out;
}

FilterReport ApplyFilters(const FilterOptions& options, std::vector<model::Finding>& findings) {
  FilterReport report;
  std::vector<bool> suppressed(findings.size(), false);
  for (const IgnoreEntry& e : options.ignores) {
    std::string where = options.ignorefile + ":" + std::to_string(e.line);
    bool expired = !e.expires.empty() && !options.today.empty() && e.expires < options.today;
    bool matched = false;
    for (std::size_t i = 0; i < findings.size(); ++i) {
      if (!Matches(e, findings[i])) continue;
      matched = true;
      if (!expired) suppressed[i] = true;
    }
    if (expired) {
      report.warnings.push_back(
          where + ": the entry for " + e.id + " expired on " + e.expires +
          (matched ? "; its findings are shown again" : " (and matches no finding)"));
    } else if (!matched) {
      report.notes.push_back(where + ": " + e.id + " matches no finding");
    }
  }
  std::vector<model::Finding> kept;
  kept.reserve(findings.size());
  for (std::size_t i = 0; i < findings.size(); ++i) {
    model::Finding& f = findings[i];
    if (suppressed[i]) {
      ++report.suppressed;
      continue;
    }
    bool severity_ok = options.severities.empty() ||
                       std::find(options.severities.begin(), options.severities.end(),
                                 f.severity) != options.severities.end();
    bool fix_ok = !options.ignore_unfixed || f.fix_available != model::FixAvailable::kNo;
    if (!severity_ok || !fix_ok) {
      ++report.filtered;
      continue;
    }
    kept.push_back(std::move(f));
  }
  findings = std::move(kept);
  return report;
}

}  // namespace assay::report
