// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/nuget.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "base/strings.h"

namespace assay::versions {
namespace {

using base::IsAlnum;
using base::IsDigit;

// Views into the string passed to Parse.
struct NuGetVersion {
  std::array<std::string_view, 4> numbers{"0", "0", "0", "0"};
  std::vector<std::string_view> labels;  // the prerelease labels; empty for a release
};

base::Status Invalid(std::string_view v, std::string_view why) {
  return base::Status::InvalidArgument("invalid nuget version \"" + std::string(v) +
                                       "\": " + std::string(why));
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

// A label or metadata part: non-empty ASCII letters, digits and '-'.
bool IsValidPart(std::string_view s, bool allow_leading_zeros) {
  if (s.empty()) return false;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return IsAlnum(c) || c == '-'; })) {
    return false;
  }
  // "0" is fine, "00" and "01" are not; "0a" is alphanumeric.
  return allow_leading_zeros || !(s.size() > 1 && s[0] == '0' && AllDigits(s));
}

base::Result<NuGetVersion> Parse(std::string_view raw) {
  const std::string_view t = base::Trim(raw);
  if (t.empty()) return Invalid(raw, "empty");
  // The numbers end at the first '-' (labels follow, up to a '+') or '+' (metadata follows).
  const size_t sep = t.find_first_of("-+");
  const std::string_view core = t.substr(0, sep);
  std::string_view labels, metadata;
  bool has_labels = false, has_metadata = false;
  if (sep != std::string_view::npos) {
    std::string_view rest = t.substr(sep + 1);
    if (t[sep] == '-') {
      const size_t plus = rest.find('+');
      has_labels = true;
      labels = rest.substr(0, plus);
      if (plus != std::string_view::npos) {
        has_metadata = true;
        metadata = rest.substr(plus + 1);
      }
    } else {
      has_metadata = true;
      metadata = rest;
    }
  }

  NuGetVersion v;
  const std::vector<std::string_view> numbers = base::Split(core, '.');
  if (numbers.size() > 4) return Invalid(raw, "more than four numbers");
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (!AllDigits(numbers[i])) return Invalid(raw, "numbers must be ASCII digits");
    v.numbers[i] = numbers[i];
  }
  if (has_labels) {
    for (std::string_view label : base::Split(labels, '.')) {
      if (!IsValidPart(label, false)) return Invalid(raw, "bad prerelease label");
      v.labels.push_back(label);
    }
  }
  if (has_metadata) {
    for (std::string_view part : base::Split(metadata, '.')) {
      if (!IsValidPart(part, true)) return Invalid(raw, "bad build metadata");
    }
  }
  return v;
}

// A label .NET's int.TryParse reads as a number: digits, optionally negative.
bool IsNumericLabel(std::string_view s) {
  return AllDigits(s) || (s.size() > 1 && s[0] == '-' && AllDigits(s.substr(1)));
}

int CompareNumericLabels(std::string_view a, std::string_view b) {
  auto is_zero = [](std::string_view digits) {
    return std::all_of(digits.begin(), digits.end(), [](char c) { return c == '0'; });
  };
  const bool neg_a = a[0] == '-' && !is_zero(a.substr(1));
  const bool neg_b = b[0] == '-' && !is_zero(b.substr(1));
  if (a[0] == '-') a.remove_prefix(1);
  if (b[0] == '-') b.remove_prefix(1);
  if (neg_a != neg_b) return neg_a ? -1 : 1;
  const int c = base::CompareNumeric(a, b);
  return neg_a ? -c : c;
}

// StringComparer.OrdinalIgnoreCase on ASCII labels.
int CompareIgnoreCase(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const char x = base::ToLower(a[i]), y = base::ToLower(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

int CompareLabel(std::string_view a, std::string_view b) {
  const bool na = IsNumericLabel(a), nb = IsNumericLabel(b);
  if (na && nb) return CompareNumericLabels(a, b);
  if (na != nb) return na ? -1 : 1;  // numeric labels sort first
  return CompareIgnoreCase(a, b);
}

int CompareVersions(const NuGetVersion& a, const NuGetVersion& b) {
  for (size_t i = 0; i < a.numbers.size(); ++i) {
    if (int c = base::CompareNumeric(a.numbers[i], b.numbers[i]); c != 0) return c;
  }
  // A release sorts after its prereleases.
  if (a.labels.empty() != b.labels.empty()) return a.labels.empty() ? 1 : -1;
  const size_t n = std::min(a.labels.size(), b.labels.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = CompareLabel(a.labels[i], b.labels[i]); c != 0) return c;
  }
  if (a.labels.size() == b.labels.size()) return 0;
  return a.labels.size() < b.labels.size() ? -1 : 1;
}

class NuGet final : public Scheme {
 public:
  std::string_view Name() const override { return "nuget"; }

  base::Status Validate(std::string_view v) const override { return Parse(v).status(); }

  base::Result<int> Compare(std::string_view a, std::string_view b) const override {
    ASSAY_ASSIGN_OR_RETURN(NuGetVersion va, Parse(a));
    ASSAY_ASSIGN_OR_RETURN(NuGetVersion vb, Parse(b));
    return CompareVersions(va, vb);
  }
};

}  // namespace

const Scheme& NuGetScheme() {
  static const NuGet kScheme;
  return kScheme;
}

}  // namespace assay::versions
