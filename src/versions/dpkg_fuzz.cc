// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The dpkg scheme never crashes, is antisymmetric on every pair it accepts, and on valid
// versions is reflexive and transitive; ParseDpkg + CompareDpkg agree with the scheme.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "versions/dpkg.h"

namespace {

using assay::versions::Sign;

// Three strings: split on the first two '\n' when there are two, else into byte thirds.
std::array<std::string_view, 3> Split3(std::string_view in) {
  size_t n1 = in.find('\n');
  size_t n2 = n1 == std::string_view::npos ? n1 : in.find('\n', n1 + 1);
  if (n2 != std::string_view::npos) {
    return {in.substr(0, n1), in.substr(n1 + 1, n2 - n1 - 1), in.substr(n2 + 1)};
  }
  size_t t = in.size() / 3;
  return {in.substr(0, t), in.substr(t, t), in.substr(2 * t)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& scheme = assay::versions::DpkgScheme();
  const auto v = Split3(std::string_view(reinterpret_cast<const char*>(data), size));
  std::array<bool, 3> valid{};
  for (int i = 0; i < 3; ++i) {
    valid[i] = scheme.Validate(v[i]).ok();
    auto parsed = assay::versions::ParseDpkg(v[i]);
    if (parsed.ok() != valid[i]) std::abort();
    if (valid[i] && Sign(*scheme.Compare(v[i], v[i])) != 0) std::abort();
    // The fragment order is total on any input.
    for (int j = 0; j < 3; ++j) {
      if (assay::versions::CompareDpkgFragment(v[i], v[j]) !=
          -assay::versions::CompareDpkgFragment(v[j], v[i])) {
        std::abort();
      }
    }
  }
  std::array<std::array<int, 3>, 3> cmp{};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      auto r = scheme.Compare(v[i], v[j]);
      if (r.ok() != (valid[i] && valid[j])) std::abort();
      if (!r.ok()) continue;
      cmp[i][j] = Sign(*r);
      auto pi = assay::versions::ParseDpkg(v[i]), pj = assay::versions::ParseDpkg(v[j]);
      if (assay::versions::CompareDpkg(*pi, *pj) != cmp[i][j]) std::abort();
    }
  }
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      if (valid[i] && valid[j] && cmp[i][j] != -cmp[j][i]) std::abort();
      for (int k = 0; k < 3; ++k) {
        if (!valid[i] || !valid[j] || !valid[k]) continue;
        if (cmp[i][j] <= 0 && cmp[j][k] <= 0 && cmp[i][k] > 0) std::abort();
      }
    }
  }
  return 0;
}
