// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The apk scheme never crashes and is antisymmetric on every pair it accepts (valid or not);
// on valid versions it is reflexive and transitive. ApkSatisfies never crashes and agrees
// with the comparison for the plain operators.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "versions/apk.h"

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
  const auto& scheme = assay::versions::ApkScheme();
  const auto v = Split3(std::string_view(reinterpret_cast<const char*>(data), size));
  std::array<bool, 3> valid{};
  std::array<std::array<int, 3>, 3> cmp{};
  std::array<std::array<bool, 3>, 3> ok{};
  for (int i = 0; i < 3; ++i) valid[i] = scheme.Validate(v[i]).ok();
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      auto r = scheme.Compare(v[i], v[j]);
      ok[i][j] = r.ok();
      if (r.ok() != (!v[i].empty() && !v[j].empty())) std::abort();
      if (!r.ok()) continue;
      cmp[i][j] = Sign(*r);
      if (cmp[i][j] != assay::versions::ApkCompare(v[i], v[j])) std::abort();
      if (i == j && valid[i] && cmp[i][j] != 0) std::abort();
      // The plain operators mean what the comparison says.
      auto lt = assay::versions::ApkSatisfies(v[i], "<", v[j]);
      auto ge = assay::versions::ApkSatisfies(v[i], ">=", v[j]);
      if (!lt.ok() || !ge.ok() || *lt != (cmp[i][j] < 0) || *ge == *lt) std::abort();
      auto fuzzy = assay::versions::ApkSatisfies(v[i], "~", v[j]);
      if (!fuzzy.ok() || (cmp[i][j] == 0 && valid[j] && !*fuzzy)) std::abort();
    }
  }
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      if (ok[i][j] && cmp[i][j] != -cmp[j][i]) std::abort();
      for (int k = 0; k < 3; ++k) {
        if (!valid[i] || !valid[j] || !valid[k]) continue;
        if (cmp[i][j] <= 0 && cmp[j][k] <= 0 && cmp[i][k] > 0) std::abort();
      }
    }
  }
  return 0;
}
