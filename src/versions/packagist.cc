// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/packagist.h"

#include <string>
#include <string_view>
#include <utility>

#include "base/strings.h"

namespace assay::versions {
namespace {

using base::IsDigit;

// PHP's isalnum() in the C locale, plus '#' (see the header: kept as a letter).
bool IsWordChar(char c) { return base::IsAlnum(c) || c == '#'; }

bool IsSeparator(char c) { return c == '.' || c == '-' || c == '_' || c == '+'; }

bool IsControl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }

// php_canonicalize_version: '-', '_', '+' and other non-word characters become '.', without
// doubling dots, and a '.' goes between a digit and a non-digit ('.' counts as neither). Two
// quirks are kept: the first character is copied unchanged, and a character that follows a
// transition is copied even when it is not a word character ("1!" -> "1.!").
std::string Canonicalize(std::string_view v) {
  std::string out;
  if (v.empty()) return out;
  out.reserve(2 * v.size());
  auto digit = [](char c) { return IsDigit(c); };
  auto non_digit = [](char c) { return !IsDigit(c) && c != '.'; };
  char prev = v[0];
  out.push_back(prev);
  for (size_t i = 1; i < v.size(); ++i) {
    const char c = v[i];
    const bool dot_last = out.back() == '.';
    if (c == '-' || c == '_' || c == '+') {
      if (!dot_last) out.push_back('.');
    } else if ((non_digit(prev) && digit(c)) || (digit(prev) && non_digit(c))) {
      if (!dot_last) out.push_back('.');
      out.push_back(c);
    } else if (!IsWordChar(c)) {
      if (!dot_last) out.push_back('.');
    } else {
      out.push_back(c);
    }
    prev = c;
  }
  return out;
}

// compare_special_version_forms: the rank of the first special form `part` starts with
// (case-sensitive); -1 for anything else. A number ranks as "#".
int SpecialRank(std::string_view part) {
  static constexpr std::pair<std::string_view, int> kForms[] = {
      {"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2},
      {"RC", 3},  {"rc", 3},    {"#", 4}, {"pl", 5},   {"p", 5},
  };
  for (const auto& [form, rank] : kForms) {
    if (part.substr(0, form.size()) == form) return rank;
  }
  return -1;
}

constexpr int kNumberRank = 4;

std::string_view LeadingDigits(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsDigit(s[n])) ++n;
  return s.substr(0, n);
}

int Sgn(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

// One part against another: numbers numerically (PHP uses strtol on the leading digits), words
// by special-form rank, a number against a word as the form "#".
int CompareParts(std::string_view x, std::string_view y) {
  const bool dx = !x.empty() && IsDigit(x[0]);
  const bool dy = !y.empty() && IsDigit(y[0]);
  if (dx && dy) return base::CompareNumeric(LeadingDigits(x), LeadingDigits(y));
  const int rx = dx ? kNumberRank : SpecialRank(x);
  const int ry = dy ? kNumberRank : SpecialRank(y);
  return Sgn(rx - ry);
}

// php_version_compare(rest, "#N#"): what is left of a longer version against a virtual number.
// `rest` starts right after a '.' of a canonical (or, for versions starting with '#', raw)
// version. PHP canonicalises it again unless it starts with '#'; that can drop characters once,
// after which every further rest is already canonical, so this is linear overall.
int RestVsNumber(std::string_view rest) {
  std::string canonical;
  bool clean = false;
  for (;;) {
    if (rest.empty()) return -1;
    if (rest[0] != '#' && !clean) {
      canonical = Canonicalize(rest);
      rest = canonical;
      clean = true;
    }
    const size_t dot = rest.find('.');
    if (int c = CompareParts(rest.substr(0, dot), "#N#"); c != 0) return c;
    if (dot == std::string_view::npos) return 0;
    rest.remove_prefix(dot + 1);
    if (!rest.empty() && IsDigit(rest[0])) return 1;
  }
}

// php_version_compare, including its asymmetric end-of-loop handling.
int PhpVersionCompare(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);
  const std::string ca = a[0] == '#' ? std::string(a) : Canonicalize(a);
  const std::string cb = b[0] == '#' ? std::string(b) : Canonicalize(b);
  const std::string_view va = ca, vb = cb;
  size_t pa = 0, pb = 0;              // start of the current part
  bool more_a = true, more_b = true;  // a '.' followed the previous part
  while (pa < va.size() && pb < vb.size() && more_a && more_b) {
    const size_t ea = va.find('.', pa), eb = vb.find('.', pb);
    more_a = ea != std::string_view::npos;
    more_b = eb != std::string_view::npos;
    const std::string_view xa = va.substr(pa, more_a ? ea - pa : std::string_view::npos);
    const std::string_view xb = vb.substr(pb, more_b ? eb - pb : std::string_view::npos);
    if (int c = CompareParts(xa, xb); c != 0) return c;
    if (more_a) pa = ea + 1;
    if (more_b) pb = eb + 1;
  }
  // PHP looks at a's remainder first even when both have one.
  if (more_a) {
    const std::string_view rest = va.substr(pa);
    return !rest.empty() && IsDigit(rest[0]) ? 1 : RestVsNumber(rest);
  }
  if (more_b) {
    const std::string_view rest = vb.substr(pb);
    return !rest.empty() && IsDigit(rest[0]) ? -1 : -RestVsNumber(rest);
  }
  return 0;
}

// Trims whitespace and drops Composer's "v" prefix.
std::string_view Prepare(std::string_view v) {
  v = base::Trim(v);
  if (v.size() >= 2 && (v[0] == 'v' || v[0] == 'V') && IsDigit(v[1])) v.remove_prefix(1);
  return v;
}

class Packagist final : public Scheme {
 public:
  std::string_view Name() const override { return "packagist"; }

  base::Status Validate(std::string_view v) const override {
    const std::string_view t = base::Trim(v);
    if (t.empty()) return Invalid(v, "empty");
    for (char c : t) {
      if (IsControl(c)) return Invalid(v, "control character");
    }
    return base::Status::Ok();
  }

  base::Result<int> Compare(std::string_view a, std::string_view b) const override {
    ASSAY_RETURN_IF_ERROR(Validate(a));
    ASSAY_RETURN_IF_ERROR(Validate(b));
    return PhpVersionCompare(Prepare(a), Prepare(b));
  }

 private:
  static base::Status Invalid(std::string_view v, std::string_view why) {
    return base::Status::InvalidArgument("invalid packagist version \"" + std::string(v) +
                                         "\": " + std::string(why));
  }
};

}  // namespace

const Scheme& PackagistScheme() {
  static const Packagist kScheme;
  return kScheme;
}

bool IsWellFormedPackagistVersion(std::string_view v) {
  const std::string_view t = base::Trim(v);
  if (t.empty() || IsSeparator(t.front()) || IsSeparator(t.back())) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (IsSeparator(t[i])) {
      if (IsSeparator(t[i - 1])) return false;
    } else if (!base::IsAlnum(t[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace assay::versions
