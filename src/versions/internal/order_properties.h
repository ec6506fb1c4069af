// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Fuzz-harness helpers shared by the version schemes: split an input into three versions and
// check that Compare is a total preorder on the ones a scheme accepts (reflexive, antisymmetric,
// transitive), aborting with the offending versions otherwise. Test-only; not part of the library.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "versions/scheme.h"

namespace assay::versions::internal {

[[noreturn]] inline void FuzzFail(const char* harness, const char* what, const std::string& a,
                                  const std::string& b, const std::string& c) {
  std::fprintf(stderr, "%s: %s\n  a=\"%s\"\n  b=\"%s\"\n  c=\"%s\"\n", harness, what, a.c_str(),
               b.c_str(), c.c_str());
  std::abort();
}

// Three versions: split at the first two newlines, else into thirds.
inline std::vector<std::string> Split3(std::string_view in) {
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

// The versions that passed Validate() (and `in_domain`, when given) and the signs of Compare
// between them: cmp[i][j] = sign(Compare(*valid[i], *valid[j])).
struct OrderCheck {
  std::vector<const std::string*> valid;
  int cmp[3][3] = {};
};

// Checks that Compare agrees with Validate on every version, and is reflexive, antisymmetric
// and transitive among the valid ones (those also accepted by `in_domain` when it is given: some
// schemes only promise a consistent order on well-formed input).
inline OrderCheck CheckOrder(const Scheme& s, const std::vector<std::string>& v,
                             const char* harness, bool (*in_domain)(std::string_view) = nullptr) {
  OrderCheck out;
  for (const auto& x : v) {
    bool ok = s.Validate(x).ok();
    auto self = s.Compare(x, x);
    if (self.ok() != ok) FuzzFail(harness, "Compare and Validate disagree", x, x, x);
    if (!ok || (in_domain != nullptr && !in_domain(x))) continue;
    if (*self != 0) FuzzFail(harness, "not reflexive", x, x, x);
    out.valid.push_back(&x);
  }
  const size_t n = out.valid.size();
  const auto& valid = out.valid;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (i == j) continue;  // reflexivity was checked above
      auto r = s.Compare(*valid[i], *valid[j]);
      if (!r.ok()) FuzzFail(harness, "Compare failed on valid versions", *valid[i], *valid[j], "");
      out.cmp[i][j] = Sign(*r);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (out.cmp[i][j] != -out.cmp[j][i]) {
        FuzzFail(harness, "not antisymmetric", *valid[i], *valid[j], "");
      }
      for (size_t k = 0; k < n; ++k) {
        // x <= y <= z implies x <= z, strictly if either step is strict.
        if (out.cmp[i][j] <= 0 && out.cmp[j][k] <= 0) {
          int want = (out.cmp[i][j] < 0 || out.cmp[j][k] < 0) ? -1 : 0;
          if (out.cmp[i][k] != want) {
            FuzzFail(harness, "not transitive", *valid[i], *valid[j], *valid[k]);
          }
        }
      }
    }
  }
  return out;
}

}  // namespace assay::versions::internal
