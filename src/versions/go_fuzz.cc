// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The Go scheme never crashes; on versions it accepts it is reflexive, antisymmetric and
// transitive, a version equals its canonical form, and the "v" prefix changes nothing. Each
// input is checked as raw strings and as versions built from its bytes (random bytes rarely
// form a version).
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "versions/go.h"

namespace {

using assay::versions::Sign;

void Check(bool ok) {
  if (!ok) std::abort();
}

std::array<std::string_view, 3> Split3(std::string_view in) {
  size_t n1 = in.find('\n');
  size_t n2 = n1 == std::string_view::npos ? n1 : in.find('\n', n1 + 1);
  if (n2 != std::string_view::npos) {
    return {in.substr(0, n1), in.substr(n1 + 1, n2 - n1 - 1), in.substr(n2 + 1)};
  }
  size_t t = in.size() / 3;
  return {in.substr(0, t), in.substr(t, t), in.substr(2 * t)};
}

// A Go version (often a pseudo-version) spelled from `bytes`.
std::string MakeVersion(std::string_view bytes) {
  size_t k = 0;
  auto next = [&]() -> unsigned { return k < bytes.size() ? static_cast<uint8_t>(bytes[k++]) : 0; };
  static constexpr const char* kIds[] = {"alpha", "beta", "0",   "1",
                                         "11",    "rc",   "x-y", "20191109021931"};
  std::string v = (next() & 1) ? "v" : "";
  unsigned comps = 1 + next() % 3;
  for (unsigned i = 0; i < comps; ++i) v += (i ? "." : "") + std::to_string(next() % 3);
  if (comps < 3) return v;
  unsigned b = next();
  if (b & 1) {
    v += "-";
    unsigned n = 1 + (b >> 1) % 3;
    for (unsigned i = 0; i < n; ++i) v += (i ? "." : "") + std::string(kIds[next() % 8]);
  }
  if (b & 16) v += (b & 32) ? "+incompatible" : "+meta.1";
  return v;
}

void CheckTriple(const std::array<std::string, 3>& v) {
  const auto& scheme = assay::versions::GoScheme();
  std::array<bool, 3> valid{};
  for (int i = 0; i < 3; ++i) {
    valid[i] = scheme.Validate(v[i]).ok();
    auto canon = assay::versions::GoCanonical(v[i]);
    Check(canon.ok() == valid[i]);
    if (!valid[i]) continue;
    auto again = assay::versions::GoCanonical(*canon);
    Check(again.ok() && *again == *canon);
    auto same = scheme.Compare(v[i], *canon);
    auto bare = scheme.Compare(v[i], canon->substr(1));
    Check(same.ok() && *same == 0 && bare.ok() && *bare == 0);
  }
  std::array<std::array<int, 3>, 3> c{};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      auto r = scheme.Compare(v[i], v[j]);
      Check(r.ok() == (valid[i] && valid[j]));
      if (r.ok()) c[i][j] = Sign(*r);
    }
  }
  for (int i = 0; i < 3; ++i) {
    if (!valid[i]) continue;
    Check(c[i][i] == 0);
    for (int j = 0; j < 3; ++j) {
      if (!valid[j]) continue;
      Check(c[i][j] == -c[j][i]);
      for (int k = 0; k < 3; ++k) {
        if (!valid[k]) continue;
        if (c[i][j] <= 0 && c[j][k] <= 0) Check(c[i][k] <= 0);
        if (c[i][j] < 0 && c[j][k] <= 0) Check(c[i][k] < 0);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto in = Split3(std::string_view(reinterpret_cast<const char*>(data), size));
  CheckTriple({std::string(in[0]), std::string(in[1]), std::string(in[2])});
  CheckTriple({MakeVersion(in[0]), MakeVersion(in[1]), MakeVersion(in[2])});
  return 0;
}
