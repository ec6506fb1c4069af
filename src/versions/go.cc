// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/go.h"

#include <algorithm>
#include <string>
#include <vector>

#include "base/strings.h"

namespace assay::versions {
namespace {

using base::CompareNumeric;
using base::IsAlnum;
using base::IsDigit;

// Views into the parsed text, valid while it is.
struct GoVersion {
  std::string_view major, minor, patch;  // decimal, no leading zeros by grammar
  std::vector<std::string_view> pre;
};

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// A number without leading zeros at *i.
bool ReadNumber(std::string_view s, size_t* i, std::string_view* out) {
  size_t b = *i;
  while (*i < s.size() && IsDigit(s[*i])) ++*i;
  if (*i == b || (s[b] == '0' && *i - b > 1)) return false;
  *out = s.substr(b, *i - b);
  return true;
}

// Dot-separated identifiers of [0-9A-Za-z-]; numeric pre-release identifiers have no leading
// zeros.
bool ReadIdentifiers(std::string_view s, size_t* i, bool pre, std::vector<std::string_view>* out) {
  for (;;) {
    size_t b = *i;
    while (*i < s.size() && (IsAlnum(s[*i]) || s[*i] == '-')) ++*i;
    std::string_view id = s.substr(b, *i - b);
    if (id.empty()) return false;
    if (pre && AllDigits(id) && id.size() > 1 && id[0] == '0') return false;
    if (out) out->push_back(id);
    if (*i < s.size() && s[*i] == '.') {
      ++*i;
      continue;
    }
    return true;
  }
}

base::Result<GoVersion> Parse(std::string_view raw) {
  auto invalid = [&](std::string why) {
    return base::Status::InvalidArgument("invalid go version \"" + std::string(raw) + "\": " + why);
  };
  std::string_view s = raw;
  if (!s.empty() && s[0] == 'v') s.remove_prefix(1);
  size_t i = 0;
  GoVersion v;
  v.minor = v.patch = "0";
  if (!ReadNumber(s, &i, &v.major)) return invalid("bad major version");
  if (i == s.size()) return v;  // "v1"
  if (s[i] != '.') return invalid("expected \".\" after the major version");
  ++i;
  if (!ReadNumber(s, &i, &v.minor)) return invalid("bad minor version");
  if (i == s.size()) return v;  // "v1.2"
  if (s[i] != '.') return invalid("expected \".\" after the minor version");
  ++i;
  if (!ReadNumber(s, &i, &v.patch)) return invalid("bad patch version");
  if (i < s.size() && s[i] == '-') {
    ++i;
    if (!ReadIdentifiers(s, &i, /*pre=*/true, &v.pre)) return invalid("bad pre-release");
  }
  if (i < s.size() && s[i] == '+') {
    ++i;
    if (!ReadIdentifiers(s, &i, /*pre=*/false, nullptr)) return invalid("bad build metadata");
  }
  if (i != s.size()) return invalid("unexpected \"" + std::string(s.substr(i, 8)) + "\"");
  return v;
}

int CompareIdentifier(std::string_view a, std::string_view b) {
  bool an = AllDigits(a), bn = AllDigits(b);
  if (an && bn) return CompareNumeric(a, b);
  if (an != bn) return an ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int CompareVersions(const GoVersion& a, const GoVersion& b) {
  if (int c = CompareNumeric(a.major, b.major)) return c;
  if (int c = CompareNumeric(a.minor, b.minor)) return c;
  if (int c = CompareNumeric(a.patch, b.patch)) return c;
  if (a.pre.empty() != b.pre.empty()) return a.pre.empty() ? 1 : -1;
  size_t n = std::min(a.pre.size(), b.pre.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = CompareIdentifier(a.pre[i], b.pre[i])) return c;
  }
  return a.pre.size() == b.pre.size() ? 0 : (a.pre.size() < b.pre.size() ? -1 : 1);
}

class Go final : public Scheme {
 public:
  std::string_view Name() const override { return "go"; }
  base::Status Validate(std::string_view v) const override { return Parse(v).status(); }
  base::Result<int> Compare(std::string_view a, std::string_view b) const override {
    ASSAY_ASSIGN_OR_RETURN(GoVersion va, Parse(a));
    ASSAY_ASSIGN_OR_RETURN(GoVersion vb, Parse(b));
    return CompareVersions(va, vb);
  }
};

}  // namespace

const Scheme& GoScheme() {
  static const Go kScheme;
  return kScheme;
}

base::Result<std::string> GoCanonical(std::string_view v) {
  ASSAY_ASSIGN_OR_RETURN(GoVersion p, Parse(v));
  std::string out = "v";
  out += p.major;
  out += '.';
  out += p.minor;
  out += '.';
  out += p.patch;
  for (size_t i = 0; i < p.pre.size(); ++i) {
    out += i ? '.' : '-';
    out += p.pre[i];
  }
  return out;
}

}  // namespace assay::versions
