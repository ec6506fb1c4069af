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
#include "versions/internal/order_properties.h"
#include "versions/rubygems.h"

namespace {

using assay::versions::Scheme;
namespace internal = assay::versions::internal;

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
  const auto check = internal::CheckOrder(s, v, "rubygems_fuzz");
  const auto& valid = check.valid;
  const auto& cmp = check.cmp;
  const size_t n = valid.size();
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
        if (!r.ok())
          internal::FuzzFail("rubygems_fuzz", "requirement from a valid version failed", *valid[i],
                             *valid[j], op);
        const bool want = holds(c);
        if (*r != want)
          internal::FuzzFail("rubygems_fuzz", "requirement disagrees with Compare", *valid[i],
                             *valid[j], op);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Scheme& s = assay::versions::RubyGemsScheme();
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> raw = internal::Split3(in);
  CheckTriple(s, raw);
  // Arbitrary requirement text must never crash.
  (void)assay::versions::GemRequirementSatisfied(raw[0] + "," + raw[1], raw[2]);
  (void)assay::versions::GemRequirementSatisfied(in, raw[1]);
  std::vector<std::string> tokens;
  for (const auto& r : raw) tokens.push_back(Tokens(r));
  CheckTriple(s, tokens);
  return 0;
}
