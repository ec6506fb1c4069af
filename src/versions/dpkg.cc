// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/dpkg.h"

#include <string>

#include "base/strings.h"

namespace assay::versions {
namespace {

constexpr int64_t kMaxEpoch = 2147483647;  // dpkg stores the epoch in an int

// A parsed version whose parts point into the caller's string.
struct DpkgParts {
  int64_t epoch = 0;
  std::string_view upstream;
  std::string_view revision;
};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

base::Status Invalid(std::string_view v, std::string_view why) {
  return base::Status::InvalidArgument("invalid dpkg version \"" + std::string(v) +
                                       "\": " + std::string(why));
}

// The epoch text before the first ':', read the way strtol() reads it, because that is what
// dpkg calls: leading whitespace and a sign are accepted, and the digits must run up to ':'.
base::Status ParseEpoch(std::string_view v, std::string_view text, int64_t* epoch) {
  size_t i = 0;
  while (i < text.size() && base::IsSpace(text[i])) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  size_t digits_start = i;
  int64_t value = 0;
  bool too_big = false;
  while (i < text.size() && base::IsDigit(text[i])) {
    if (!too_big) {
      value = value * 10 + (text[i] - '0');
      too_big = value > kMaxEpoch;
    }
    ++i;
  }
  if (i == digits_start) return Invalid(v, "epoch is empty");
  if (i != text.size()) return Invalid(v, "epoch is not a number");
  if (negative && value != 0) return Invalid(v, "epoch is negative");
  if (too_big) return Invalid(v, "epoch is too big");
  *epoch = value;
  return base::Status::Ok();
}

bool IsUpstreamChar(char c) {
  return base::IsAlnum(c) || c == '.' || c == '-' || c == '+' || c == '~' || c == ':';
}
bool IsRevisionChar(char c) { return base::IsAlnum(c) || c == '.' || c == '+' || c == '~'; }

base::Status Split(std::string_view v, DpkgParts* out) {
  std::string_view s = v;
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  size_t end = 0;
  while (end < s.size() && !IsBlank(s[end])) ++end;
  for (size_t i = end; i < s.size(); ++i) {
    if (!IsBlank(s[i])) return Invalid(v, "embedded blank");
  }
  s = s.substr(0, end);
  if (s.empty()) return Invalid(v, "empty");

  *out = DpkgParts();
  if (size_t colon = s.find(':'); colon != std::string_view::npos) {
    ASSAY_RETURN_IF_ERROR(ParseEpoch(v, s.substr(0, colon), &out->epoch));
    s.remove_prefix(colon + 1);
    if (s.empty()) return Invalid(v, "nothing after the epoch colon");
  }
  out->upstream = s;
  if (size_t hyphen = s.rfind('-'); hyphen != std::string_view::npos) {
    out->upstream = s.substr(0, hyphen);
    out->revision = s.substr(hyphen + 1);
    if (out->revision.empty()) return Invalid(v, "revision is empty");
  }
  if (out->upstream.empty()) return Invalid(v, "upstream version is empty");
  if (!base::IsDigit(out->upstream.front())) {
    return Invalid(v, "upstream version does not start with a digit");
  }
  for (char c : out->upstream) {
    if (!IsUpstreamChar(c)) return Invalid(v, "invalid character in upstream version");
  }
  for (char c : out->revision) {
    if (!IsRevisionChar(c)) return Invalid(v, "invalid character in revision");
  }
  return base::Status::Ok();
}

// Weight of one character inside a non-digit run. Digits (and the end of the string) weigh 0,
// which is why "1.0" equals "1.0-0" and "~" (-1) sorts before the end of a string.
int Weight(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (base::IsDigit(s[i])) return 0;
  if (base::IsAlpha(s[i])) return c;
  if (c == '~') return -1;
  return c + 256;
}

int CompareParts(const DpkgParts& a, const DpkgParts& b) {
  if (a.epoch != b.epoch) return a.epoch < b.epoch ? -1 : 1;
  if (int c = CompareDpkgFragment(a.upstream, b.upstream); c != 0) return c;
  return CompareDpkgFragment(a.revision, b.revision);
}

class DpkgSchemeImpl final : public Scheme {
 public:
  std::string_view Name() const override { return "dpkg"; }
  base::Status Validate(std::string_view v) const override {
    DpkgParts p;
    return Split(v, &p);
  }
  base::Result<int> Compare(std::string_view a, std::string_view b) const override {
    return CompareDpkgVersions(a, b);
  }
};

}  // namespace

int CompareDpkgFragment(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    // Non-digit run. Equal weights are never 0 here (one side holds a non-digit, whose weight
    // is not 0), so both sides hold a character and both may advance.
    while ((i < a.size() && !base::IsDigit(a[i])) || (j < b.size() && !base::IsDigit(b[j]))) {
      int wa = Weight(a, i), wb = Weight(b, j);
      if (wa != wb) return wa < wb ? -1 : 1;
      ++i;
      ++j;
    }
    size_t si = i, sj = j;
    while (i < a.size() && base::IsDigit(a[i])) ++i;
    while (j < b.size() && base::IsDigit(b[j])) ++j;
    if (int c = base::CompareNumeric(a.substr(si, i - si), b.substr(sj, j - sj)); c != 0) {
      return c;
    }
  }
  return 0;
}

base::Result<DpkgVersion> ParseDpkg(std::string_view v) {
  DpkgParts p;
  ASSAY_RETURN_IF_ERROR(Split(v, &p));
  return DpkgVersion{p.epoch, std::string(p.upstream), std::string(p.revision)};
}

int CompareDpkg(const DpkgVersion& a, const DpkgVersion& b) {
  return CompareParts({a.epoch, a.upstream, a.revision}, {b.epoch, b.upstream, b.revision});
}

base::Result<int> CompareDpkgVersions(std::string_view a, std::string_view b) {
  DpkgParts pa, pb;
  ASSAY_RETURN_IF_ERROR(Split(a, &pa));
  ASSAY_RETURN_IF_ERROR(Split(b, &pb));
  return CompareParts(pa, pb);
}

const Scheme& DpkgScheme() {
  static const DpkgSchemeImpl kScheme;
  return kScheme;
}

}  // namespace assay::versions
