// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// RpmVerCmp and the rpm scheme never crash and are antisymmetric; on versions the scheme
// accepts they are reflexive and transitive, and a plain version compares as RpmVerCmp.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "versions/rpm.h"

namespace {

using assay::versions::RpmVerCmp;
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

// x <= y <= z implies x <= z, for every ordering of the three.
void CheckTransitive(const std::array<std::array<int, 3>, 3>& cmp) {
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 3; ++k) {
        if (cmp[i][j] <= 0 && cmp[j][k] <= 0 && cmp[i][k] > 0) std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& scheme = assay::versions::RpmScheme();
  const auto v = Split3(std::string_view(reinterpret_cast<const char*>(data), size));
  std::array<bool, 3> valid{};
  std::array<std::array<int, 3>, 3> raw{}, evr{};
  for (int i = 0; i < 3; ++i) {
    valid[i] = scheme.Validate(v[i]).ok();
    if (assay::versions::ParseRpmEvr(v[i]).ok() != valid[i]) std::abort();
  }
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      raw[i][j] = RpmVerCmp(v[i], v[j]);
      if (i == j && raw[i][j] != 0) std::abort();
      auto r = scheme.Compare(v[i], v[j]);
      if (r.ok() != (valid[i] && valid[j])) std::abort();
      if (!r.ok()) continue;
      evr[i][j] = Sign(*r);
      auto pi = assay::versions::ParseRpmEvr(v[i]), pj = assay::versions::ParseRpmEvr(v[j]);
      if (assay::versions::CompareRpmEvr(*pi, *pj) != evr[i][j]) std::abort();
      // Neither epoch nor release on either side: exactly rpmvercmp.
      if (pi->epoch.empty() && pj->epoch.empty() && !pi->release && !pj->release &&
          evr[i][j] != raw[i][j]) {
        std::abort();
      }
    }
  }
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      if (raw[i][j] != -raw[j][i]) std::abort();
      if (valid[i] && valid[j] && evr[i][j] != -evr[j][i]) std::abort();
    }
  }
  if (valid[0] && valid[1] && valid[2]) {
    CheckTransitive(raw);
    CheckTransitive(evr);
  }
  return 0;
}
