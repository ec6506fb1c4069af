// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Fuzz harness for PackagistScheme: the input is split into three versions; nothing may crash,
// Compare must succeed exactly on versions Validate() accepts, and among the versions that are
// also IsWellFormedPackagistVersion Compare must be reflexive, antisymmetric and transitive. PHP's
// version_compare, which the scheme reproduces, is none of these on odd input ("1." vs "1." is
// "less"; "#" equals every number), hence the narrower set for the order properties.
// Each input is checked twice: as raw bytes, and mapped byte-by-byte onto Composer tokens
// (numbers, separators, stability words) so that random bytes mostly form real-looking versions.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "versions/packagist.h"

namespace {

using assay::versions::Scheme;
using assay::versions::Sign;

[[noreturn]] void Fail(const char* what, const std::string& a, const std::string& b,
                       const std::string& c) {
  std::fprintf(stderr, "packagist_fuzz: %s\n  a=\"%s\"\n  b=\"%s\"\n  c=\"%s\"\n", what, a.c_str(),
               b.c_str(), c.c_str());
  std::abort();
}

// Three versions: split at the first two newlines, else into thirds.
std::vector<std::string> Split3(std::string_view in) {
  size_t n1 = in.find('\n');
  size_t n2 = n1 == std::string_view::npos ? n1 : in.find('\n', n1 + 1);
  if (n2 != std::string_view::npos) {
    return {std::string(in.substr(0, n1)), std::string(in.substr(n1 + 1, n2 - n1 - 1)),
            std::string(in.substr(n2 + 1))};
  }
  size_t k = in.size() / 3;
  return {std::string(in.substr(0, k)), std::string(in.substr(k, k)),
          std::string(in.substr(2 * k))};
}

std::string Tokens(std::string_view raw) {
  static constexpr const char* kTokens[] = {
      "0",     "1",    "2",   "10", "00", ".",   ".",
      "-",     "_",    "+",   "v",  "V",  "dev", "alpha",
      "a",     "beta", "b",   "RC", "rc", "p",   "pl",
      "patch", "x",    "foo", "#",  " ",  "Dev", "99999999999999999999",
  };
  constexpr size_t kCount = sizeof(kTokens) / sizeof(kTokens[0]);
  std::string out;
  // A bounded prefix keeps the harness fast; longer inputs add nothing the raw pass lacks.
  for (unsigned char c : raw.substr(0, 24)) out += kTokens[c % kCount];
  return out;
}

void CheckTriple(const Scheme& s, const std::vector<std::string>& v) {
  std::vector<const std::string*> valid;
  for (const auto& x : v) {
    bool ok = s.Validate(x).ok();
    auto self = s.Compare(x, x);
    if (self.ok() != ok) Fail("Compare and Validate disagree", x, x, x);
    if (!ok || !assay::versions::IsWellFormedPackagistVersion(x)) continue;
    if (*self != 0) Fail("not reflexive", x, x, x);
    valid.push_back(&x);
  }
  const size_t n = valid.size();
  int cmp[3][3] = {};
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (i == j) continue;  // reflexivity was checked above
      auto r = s.Compare(*valid[i], *valid[j]);
      if (!r.ok()) Fail("Compare failed on valid versions", *valid[i], *valid[j], "");
      cmp[i][j] = Sign(*r);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (cmp[i][j] != -cmp[j][i]) Fail("not antisymmetric", *valid[i], *valid[j], "");
      for (size_t k = 0; k < n; ++k) {
        // x <= y <= z implies x <= z, strictly if either step is strict.
        if (cmp[i][j] <= 0 && cmp[j][k] <= 0) {
          int want = (cmp[i][j] < 0 || cmp[j][k] < 0) ? -1 : 0;
          if (cmp[i][k] != want) Fail("not transitive", *valid[i], *valid[j], *valid[k]);
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Scheme& s = assay::versions::PackagistScheme();
  std::vector<std::string> raw =
      Split3(std::string_view(reinterpret_cast<const char*>(data), size));
  CheckTriple(s, raw);
  std::vector<std::string> tokens;
  for (const auto& r : raw) tokens.push_back(Tokens(r));
  CheckTriple(s, tokens);
  return 0;
}
