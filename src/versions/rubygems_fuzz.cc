// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Fuzz harness for RubyGemsScheme and GemRequirementSatisfied: the input is split into three
// versions; nothing may crash, among the versions Validate() accepts Compare must be reflexive,
// antisymmetric and transitive, and the requirements "= x", "!= x", "< x", "<= x", "> x", ">= x"
// must agree with Compare. Each input is checked as raw bytes and mapped byte-by-byte onto
// RubyGems tokens so that random bytes reach the prerelease and canonicalisation paths.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "versions/rubygems.h"

namespace {

using assay::versions::Scheme;
using assay::versions::Sign;

[[noreturn]] void Fail(const char* what, const std::string& a, const std::string& b,
                       const std::string& c) {
  std::fprintf(stderr, "rubygems_fuzz: %s\n  a=\"%s\"\n  b=\"%s\"\n  c=\"%s\"\n", what, a.c_str(),
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
      "0", "1",  "2",  "9", "10", "00",  "01", ".", ".", ".",
      "-", "-",  "a",  "b", "A",  "pre", "rc", "z", " ", "99999999999999999999",
      "x", "-1", ".0",
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
    if (!ok) continue;
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
  // Requirements built from one version must agree with Compare on another. A blank version is
  // valid but cannot appear in a requirement.
  using Holds = bool (*)(int);
  static constexpr std::pair<const char*, Holds> kOps[] = {
      {"= ", [](int c) { return c == 0; }}, {"!= ", [](int c) { return c != 0; }},
      {"< ", [](int c) { return c < 0; }},  {"<= ", [](int c) { return c <= 0; }},
      {"> ", [](int c) { return c > 0; }},  {">= ", [](int c) { return c >= 0; }},
  };
  for (size_t i = 0; i < n; ++i) {
    if (assay::base::Trim(*valid[i]).empty()) continue;
    for (size_t j = 0; j < n; ++j) {
      const int c = i == j ? 0 : cmp[j][i];  // version j against requirement version i
      for (const auto& [op, holds] : kOps) {
        auto r = assay::versions::GemRequirementSatisfied(op + *valid[i], *valid[j]);
        if (!r.ok()) Fail("requirement from a valid version failed", *valid[i], *valid[j], op);
        const bool want = holds(c);
        if (*r != want) Fail("requirement disagrees with Compare", *valid[i], *valid[j], op);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Scheme& s = assay::versions::RubyGemsScheme();
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> raw = Split3(in);
  CheckTriple(s, raw);
  // Arbitrary requirement text must never crash.
  (void)assay::versions::GemRequirementSatisfied(raw[0] + "," + raw[1], raw[2]);
  (void)assay::versions::GemRequirementSatisfied(in, raw[1]);
  std::vector<std::string> tokens;
  for (const auto& r : raw) tokens.push_back(Tokens(r));
  CheckTriple(s, tokens);
  return 0;
}
