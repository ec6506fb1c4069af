// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Fuzz harness for NuGetScheme: the input is split into three versions; nothing may crash, and
// among the versions Validate() accepts Compare must be reflexive, antisymmetric and transitive.
// Each input is checked twice: as raw bytes, and mapped byte-by-byte onto NuGet tokens (numbers,
// separators, labels) so that random bytes mostly form valid versions.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "versions/internal/order_properties.h"
#include "versions/nuget.h"

namespace {

using assay::versions::Scheme;
namespace internal = assay::versions::internal;

std::string Tokens(std::string_view raw) {
  static constexpr const char* kTokens[] = {
      "0",    "1",  "2", "10", "01", ".", ".",  ".", "-",  "-",
      "+",    "a",  "A", "b",  "rc", "-", "0a", "9", "--", "99999999999999999999",
      "Beta", ".0",
  };
  constexpr size_t kCount = sizeof(kTokens) / sizeof(kTokens[0]);
  std::string out;
  // A bounded prefix keeps the harness fast; longer inputs add nothing the raw pass lacks.
  for (unsigned char c : raw.substr(0, 24)) out += kTokens[c % kCount];
  return out;
}

void CheckTriple(const Scheme& s, const std::vector<std::string>& v) {
  internal::CheckOrder(s, v, "nuget_fuzz");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Scheme& s = assay::versions::NuGetScheme();
  std::vector<std::string> raw =
      internal::Split3(std::string_view(reinterpret_cast<const char*>(data), size));
  CheckTriple(s, raw);
  std::vector<std::string> tokens;
  for (const auto& r : raw) tokens.push_back(Tokens(r));
  CheckTriple(s, tokens);
  return 0;
}
