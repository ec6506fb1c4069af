// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The npm and semver schemes never crash; on versions they accept they are reflexive,
// antisymmetric and transitive, and the npm scheme agrees with node-semver's strict and loose
// comparisons wherever those accept both sides. NpmRangeSatisfies never crashes on any range,
// and a single comparator means what the comparison says. Each input is checked as raw strings
// and as versions built from its bytes (random bytes rarely form a version).
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "versions/npm.h"

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

// A version spelled from `bytes`, sometimes in node-semver's loose forms.
std::string MakeVersion(std::string_view bytes) {
  size_t k = 0;
  auto next = [&]() -> unsigned { return k < bytes.size() ? static_cast<uint8_t>(bytes[k++]) : 0; };
  static constexpr const char* kPrefix[] = {"", "", "v", "=", " v", "=v ", "v=", ""};
  static constexpr const char* kIds[] = {"alpha", "beta", "0", "1", "11", "01", "-", "x-1"};
  unsigned b = next();
  std::string v = kPrefix[b % 8];
  unsigned comps = (b & 8) ? 1 + next() % 4 : 3;
  for (unsigned i = 0; i < comps; ++i) {
    unsigned n = next();
    v += (i ? "." : "") + std::string(n & 4 ? "0" : "") + std::to_string(n % 3);
  }
  b = next();
  if (b & 1) {
    v += (b & 2) ? "-" : "";
    unsigned n = 1 + (b >> 2) % 3;
    for (unsigned i = 0; i < n; ++i) v += (i ? "." : "") + std::string(kIds[next() % 8]);
  }
  if (b & 32) v += "+build." + std::to_string(next() % 3);
  return v;
}

// A range spelled from `bytes` out of node-semver's range syntax.
std::string MakeRange(std::string_view bytes) {
  static constexpr const char* kTokens[] = {"^",    "~",  "~>",    ">=",    "<=",    ">", "<", "=",
                                            " ",    " ",  " - ",   " || ",  "x",     "*", "X", "v",
                                            "0",    "1",  "2",     "01",    ".",     ".", ".", "-",
                                            "-pre", "+b", "alpha", "1.2.3", "0.0.0", "",  "|", "1"};
  std::string r;
  for (char c : bytes) r += kTokens[static_cast<uint8_t>(c) % 32];
  return r;
}

template <typename Cmp>
void CheckOrder(const std::array<std::string, 3>& v, const std::array<bool, 3>& valid, Cmp cmp) {
  std::array<std::array<int, 3>, 3> c{};
  // Reflexivity is checked on the first string only: the three are alike, so over a run every
  // kind of string is first often enough, and each comparison costs time in a Debug build.
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      if (i == j && i != 0) continue;
      if (valid[i] && valid[j]) c[i][j] = cmp(v[i], v[j]);
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

void CheckScheme(const assay::versions::Scheme& scheme, const std::array<std::string, 3>& v) {
  std::array<bool, 3> valid{};
  for (int i = 0; i < 3; ++i) valid[i] = scheme.Validate(v[i]).ok();
  CheckOrder(v, valid, [&](const std::string& a, const std::string& b) {
    auto r = scheme.Compare(a, b);
    Check(r.ok());
    return Sign(*r);
  });
}

void CheckTriple(const std::array<std::string, 3>& v, unsigned flags) {
  using assay::versions::NpmCompare;
  using assay::versions::NpmRangeSatisfies;
  CheckScheme(assay::versions::NpmScheme(), v);
  CheckScheme(assay::versions::SemverScheme(), v);
  // Strict node-semver accepts less than loose, loose less than the npm scheme; answers agree.
  for (int i = 0; i < 2; ++i) {
    auto strict = NpmCompare(v[i], v[i + 1], false);
    auto loose = NpmCompare(v[i], v[i + 1], true);
    auto scheme = assay::versions::NpmScheme().Compare(v[i], v[i + 1]);
    if (strict.ok()) Check(loose.ok() && *loose == *strict);
    if (loose.ok()) Check(scheme.ok() && Sign(*scheme) == *loose);
  }
  (void)NpmRangeSatisfies(v[0], v[1], flags & 1, flags & 2);
  // A lone comparator on a release operand is exactly the comparison.
  auto parsed = assay::versions::ParseNpmVersion(v[0], false);
  auto other = assay::versions::ParseNpmVersion(v[1], false);
  if (parsed.ok() && parsed->prerelease.empty() && other.ok() && other->prerelease.empty()) {
    auto c = NpmCompare(v[0], v[1], false);
    std::string operand = parsed->major + "." + parsed->minor + "." + parsed->patch;
    auto ge = NpmRangeSatisfies(">=" + operand, v[1], false, false);
    auto lt = NpmRangeSatisfies("<" + operand, v[1], false, false);
    Check(c.ok() && ge.ok() && lt.ok() && *ge == (*c <= 0) && *lt == (*c > 0));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto in = Split3(std::string_view(reinterpret_cast<const char*>(data), size));
  unsigned flags = size > 0 ? data[0] : 0;
  CheckTriple({std::string(in[0]), std::string(in[1]), std::string(in[2])}, flags);
  CheckTriple({MakeVersion(in[0]), MakeVersion(in[1]), MakeVersion(in[2])}, flags);
  // Arbitrary and syntax-shaped ranges never crash.
  std::string version = MakeVersion(in[2]);
  for (const auto& range : {std::string(in[0]), MakeRange(in[1])}) {
    (void)assay::versions::NpmRangeSatisfies(range, version, flags & 4, flags & 8);
  }
  return 0;
}
