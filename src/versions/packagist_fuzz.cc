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

#include "versions/internal/order_properties.h"
#include "versions/packagist.h"

namespace {

using assay::versions::Scheme;
namespace internal = assay::versions::internal;

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
  internal::CheckOrder(s, v, "packagist_fuzz", &assay::versions::IsWellFormedPackagistVersion);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Scheme& s = assay::versions::PackagistScheme();
  std::vector<std::string> raw =
      internal::Split3(std::string_view(reinterpret_cast<const char*>(data), size));
  CheckTriple(s, raw);
  std::vector<std::string> tokens;
  for (const auto& r : raw) tokens.push_back(Tokens(r));
  CheckTriple(s, tokens);
  return 0;
}
