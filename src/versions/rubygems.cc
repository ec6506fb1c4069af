// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/rubygems.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace assay::versions {
namespace {

using base::IsAlnum;
using base::IsDigit;

struct Segment {
  bool numeric;
  std::string text;  // numeric: digits without leading zeros ("0" for zero)

  friend bool operator==(const Segment&, const Segment&) = default;
};

struct GemVersion {
  std::vector<Segment> segments;   // Gem::Version#segments
  std::vector<Segment> canonical;  // Gem::Version#canonical_segments
};

base::Status Invalid(std::string_view v, std::string_view why) {
  return base::Status::InvalidArgument("invalid rubygems version \"" + std::string(v) +
                                       "\": " + std::string(why));
}

std::string StripLeadingZeros(std::string_view digits) {
  size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == '0') ++i;
  return std::string(digits.substr(i));
}

// Gem::Version's VERSION_PATTERN on the trimmed, non-empty `t`; empty when it matches, else why.
std::string_view PatternError(std::string_view t) {
  const size_t n = t.size();
  if (!IsDigit(t[0])) return "must start with a digit";
  size_t i = 0;
  while (i < n && IsDigit(t[i])) ++i;
  while (i < n && t[i] == '.') {
    size_t j = i + 1;
    while (j < n && IsAlnum(t[j])) ++j;
    if (j == i + 1) return "empty segment";
    i = j;
  }
  if (i < n && t[i] == '-') {
    auto dashed_segment = [&](size_t from) {
      size_t j = from;
      while (j < n && (IsAlnum(t[j]) || t[j] == '-')) ++j;
      return j;
    };
    size_t j = dashed_segment(i + 1);
    if (j == i + 1) return "empty prerelease segment";
    i = j;
    while (i < n && t[i] == '.') {
      j = dashed_segment(i + 1);
      if (j == i + 1) return "empty prerelease segment";
      i = j;
    }
  }
  if (i != n) return "unexpected character";
  return {};
}

// Drops trailing numeric zeros of the numeric prefix and of the rest, then joins them.
std::vector<Segment> Canonical(const std::vector<Segment>& segments) {
  auto first_string =
      std::find_if(segments.begin(), segments.end(), [](const Segment& s) { return !s.numeric; });
  auto trim_zeros = [](std::vector<Segment> part) {
    while (!part.empty() && part.back().numeric && part.back().text == "0") part.pop_back();
    return part;
  };
  std::vector<Segment> out = trim_zeros({segments.begin(), first_string});
  std::vector<Segment> rest = trim_zeros({first_string, segments.end()});
  out.insert(out.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  return out;
}

GemVersion FromSegments(std::vector<Segment> segments) {
  GemVersion g;
  g.canonical = Canonical(segments);
  g.segments = std::move(segments);
  return g;
}

base::Result<GemVersion> ParseVersion(std::string_view raw) {
  const std::string_view t = base::Trim(raw);
  if (t.empty()) return FromSegments({{true, "0"}});  // a blank version is "0"
  if (std::string_view why = PatternError(t); !why.empty()) return Invalid(raw, why);
  // Runs of digits and runs of letters; every '-' reads as ".pre.".
  std::vector<Segment> segments;
  for (size_t i = 0; i < t.size();) {
    if (IsDigit(t[i])) {
      size_t j = i;
      while (j < t.size() && IsDigit(t[j])) ++j;
      segments.push_back({true, StripLeadingZeros(t.substr(i, j - i))});
      i = j;
    } else if (base::IsAlpha(t[i])) {
      size_t j = i;
      while (j < t.size() && base::IsAlpha(t[j])) ++j;
      segments.push_back({false, std::string(t.substr(i, j - i))});
      i = j;
    } else {
      if (t[i] == '-') segments.push_back({false, "pre"});
      ++i;
    }
  }
  return FromSegments(std::move(segments));
}

int Sgn(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

int CompareGem(const GemVersion& a, const GemVersion& b) {
  const auto& l = a.canonical;
  const auto& r = b.canonical;
  if (l == r) return 0;
  static const Segment kZero{true, "0"};
  const size_t n = std::max(l.size(), r.size());
  for (size_t i = 0; i < n; ++i) {
    const Segment& x = i < l.size() ? l[i] : kZero;
    const Segment& y = i < r.size() ? r[i] : kZero;
    if (x == y) continue;
    if (!x.numeric && y.numeric) return -1;  // a prerelease part sorts before any number
    if (x.numeric && !y.numeric) return 1;
    if (x.numeric) return base::CompareNumeric(x.text, y.text);
    return Sgn(x.text.compare(y.text));
  }
  return 0;
}

// Gem::Version#release: the numeric segments before the first string (the version itself when
// it is not a prerelease).
GemVersion Release(const GemVersion& v) {
  auto first_string = std::find_if(v.segments.begin(), v.segments.end(),
                                   [](const Segment& s) { return !s.numeric; });
  if (first_string == v.segments.end()) return v;
  return FromSegments({v.segments.begin(), first_string});
}

std::string Increment(std::string digits) {
  for (size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return digits;
    }
    digits[i] = '0';
  }
  return "1" + digits;
}

// Gem::Version#bump: drop string segments and, unless it is the only one, the last number;
// then increment the last number. "1.4.4" -> "1.5", "1" -> "2", "5.a" -> "6".
GemVersion Bump(const GemVersion& v) {
  auto first_string = std::find_if(v.segments.begin(), v.segments.end(),
                                   [](const Segment& s) { return !s.numeric; });
  std::vector<Segment> segments(v.segments.begin(), first_string);
  if (segments.size() > 1) segments.pop_back();
  // A valid version starts with a number, so at least one is left.
  segments.back().text = Increment(std::move(segments.back().text));
  return FromSegments(std::move(segments));
}

enum class Op { kEq, kNe, kGt, kLt, kGe, kLe, kPessimistic };

struct Requirement {
  Op op;
  GemVersion version;
};

base::Status InvalidRequirement(std::string_view r, std::string_view why) {
  return base::Status::InvalidArgument("invalid rubygems requirement \"" + std::string(r) +
                                       "\": " + std::string(why));
}

// Gem::Requirement::PATTERN: \s* op? \s* VERSION \s*.
base::Result<Requirement> ParseRequirement(std::string_view raw) {
  std::string_view t = base::Trim(raw);
  static constexpr std::pair<std::string_view, Op> kOps[] = {
      {"!=", Op::kNe}, {">=", Op::kGe}, {"<=", Op::kLe}, {"~>", Op::kPessimistic},
      {"=", Op::kEq},  {">", Op::kGt},  {"<", Op::kLt},
  };
  Op op = Op::kEq;
  for (const auto& [text, o] : kOps) {
    if (t.substr(0, text.size()) == text) {
      op = o;
      t = base::Trim(t.substr(text.size()));
      break;
    }
  }
  if (t.empty()) return InvalidRequirement(raw, "missing version");
  if (std::string_view why = PatternError(t); !why.empty()) return InvalidRequirement(raw, why);
  auto v = ParseVersion(t);
  if (!v.ok()) return InvalidRequirement(raw, v.status().message());
  return Requirement{op, std::move(v).value()};
}

bool Satisfies(const GemVersion& v, const Requirement& r) {
  const int c = CompareGem(v, r.version);
  switch (r.op) {
    case Op::kEq:
      return c == 0;
    case Op::kNe:
      return c != 0;
    case Op::kGt:
      return c > 0;
    case Op::kLt:
      return c < 0;
    case Op::kGe:
      return c >= 0;
    case Op::kLe:
      return c <= 0;
    case Op::kPessimistic:
      return c >= 0 && CompareGem(Release(v), Bump(r.version)) < 0;
  }
  return false;
}

class RubyGems final : public Scheme {
 public:
  std::string_view Name() const override { return "rubygems"; }

  base::Status Validate(std::string_view v) const override { return ParseVersion(v).status(); }

  base::Result<int> Compare(std::string_view a, std::string_view b) const override {
    ASSAY_ASSIGN_OR_RETURN(GemVersion va, ParseVersion(a));
    ASSAY_ASSIGN_OR_RETURN(GemVersion vb, ParseVersion(b));
    return CompareGem(va, vb);
  }
};

}  // namespace

const Scheme& RubyGemsScheme() {
  static const RubyGems kScheme;
  return kScheme;
}

base::Result<bool> GemRequirementSatisfied(std::string_view requirement, std::string_view version) {
  ASSAY_ASSIGN_OR_RETURN(GemVersion v, ParseVersion(version));
  std::vector<Requirement> all;
  for (std::string_view piece : base::Split(requirement, ',')) {
    ASSAY_ASSIGN_OR_RETURN(Requirement r, ParseRequirement(piece));
    all.push_back(std::move(r));
  }
  for (const auto& r : all) {
    if (!Satisfies(v, r)) return false;
  }
  return true;
}

}  // namespace assay::versions
