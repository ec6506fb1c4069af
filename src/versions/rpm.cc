// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/rpm.h"

#include <string>

#include "base/strings.h"

namespace assay::versions {
namespace {

// An EVR whose parts point into the caller's string.
struct EvrParts {
  std::string_view epoch;  // "" when absent
  std::string_view version;
  std::optional<std::string_view> release;
};

base::Status Invalid(std::string_view v, std::string_view why) {
  return base::Status::InvalidArgument("invalid rpm version \"" + std::string(v) +
                                       "\": " + std::string(why));
}

bool IsRunChar(char c) { return base::IsAlnum(c) || c == '~' || c == '^'; }

base::Status Split(std::string_view evr, EvrParts* out) {
  if (evr.empty()) return Invalid(evr, "empty");
  if (evr.find('\0') != std::string_view::npos) return Invalid(evr, "NUL byte");
  *out = EvrParts();
  std::string_view s = evr;
  size_t digits = 0;
  while (digits < s.size() && base::IsDigit(s[digits])) ++digits;
  if (digits < s.size() && s[digits] == ':') {
    // rpm turns an empty epoch (":1.0") into "0".
    out->epoch = digits == 0 ? std::string_view("0") : s.substr(0, digits);
    s.remove_prefix(digits + 1);
  }
  out->version = s;
  if (size_t hyphen = s.rfind('-'); hyphen != std::string_view::npos) {
    out->version = s.substr(0, hyphen);
    out->release = s.substr(hyphen + 1);
  }
  if (out->version.empty()) return Invalid(evr, "empty version");
  return base::Status::Ok();
}

int CompareParts(const EvrParts& a, const EvrParts& b) {
  std::string_view ea = a.epoch.empty() ? std::string_view("0") : a.epoch;
  std::string_view eb = b.epoch.empty() ? std::string_view("0") : b.epoch;
  if (int c = RpmVerCmp(ea, eb); c != 0) return c;
  if (int c = RpmVerCmp(a.version, b.version); c != 0) return c;
  if (!a.release.has_value() || !b.release.has_value()) {
    return static_cast<int>(a.release.has_value()) - static_cast<int>(b.release.has_value());
  }
  return RpmVerCmp(*a.release, *b.release);
}

class RpmSchemeImpl final : public Scheme {
 public:
  std::string_view Name() const override { return "rpm"; }
  base::Status Validate(std::string_view v) const override {
    EvrParts p;
    return Split(v, &p);
  }
  base::Result<int> Compare(std::string_view a, std::string_view b) const override {
    EvrParts pa, pb;
    ASSAY_RETURN_IF_ERROR(Split(a, &pa));
    ASSAY_RETURN_IF_ERROR(Split(b, &pb));
    return CompareParts(pa, pb);
  }
};

}  // namespace

int RpmVerCmp(std::string_view a, std::string_view b) {
  a = a.substr(0, a.find('\0'));
  b = b.substr(0, b.find('\0'));
  if (a == b) return 0;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && !IsRunChar(a[i])) ++i;
    while (j < b.size() && !IsRunChar(b[j])) ++j;
    const bool a_end = i == a.size(), b_end = j == b.size();

    // '~' sorts before everything, the end of the string included.
    if ((!a_end && a[i] == '~') || (!b_end && b[j] == '~')) {
      if (a_end || a[i] != '~') return 1;
      if (b_end || b[j] != '~') return -1;
      ++i;
      ++j;
      continue;
    }
    // '^' sorts after the end of the string but before any other run.
    if ((!a_end && a[i] == '^') || (!b_end && b[j] == '^')) {
      if (a_end) return -1;
      if (b_end) return 1;
      if (a[i] != '^') return 1;
      if (b[j] != '^') return -1;
      ++i;
      ++j;
      continue;
    }
    if (a_end || b_end) break;

    // One run of the kind a starts with; b's run of that kind may be empty.
    const bool numeric = base::IsDigit(a[i]);
    auto in_run = [numeric](char c) { return numeric ? base::IsDigit(c) : base::IsAlpha(c); };
    size_t ei = i, ej = j;
    while (ei < a.size() && in_run(a[ei])) ++ei;
    while (ej < b.size() && in_run(b[ej])) ++ej;
    if (ej == j) return numeric ? 1 : -1;  // a digit run beats a letter run

    std::string_view ra = a.substr(i, ei - i), rb = b.substr(j, ej - j);
    int c = numeric ? base::CompareNumeric(ra, rb) : ra.compare(rb);
    if (c != 0) return c < 0 ? -1 : 1;
    i = ei;
    j = ej;
  }
  // All runs tie; a string with a run left wins (separators were skipped above).
  const bool a_end = i >= a.size(), b_end = j >= b.size();
  if (a_end && b_end) return 0;
  return a_end ? -1 : 1;
}

base::Result<RpmEvr> ParseRpmEvr(std::string_view evr) {
  EvrParts p;
  ASSAY_RETURN_IF_ERROR(Split(evr, &p));
  RpmEvr out{std::string(p.epoch), std::string(p.version), std::nullopt};
  if (p.release) out.release = std::string(*p.release);
  return out;
}

int CompareRpmEvr(const RpmEvr& a, const RpmEvr& b) {
  EvrParts pa{a.epoch, a.version, std::nullopt}, pb{b.epoch, b.version, std::nullopt};
  if (a.release) pa.release = *a.release;
  if (b.release) pb.release = *b.release;
  return CompareParts(pa, pb);
}

const Scheme& RpmScheme() {
  static const RpmSchemeImpl kScheme;
  return kScheme;
}

}  // namespace assay::versions
