// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The PEP 440 scheme never crashes; on versions it accepts it is reflexive, antisymmetric and
// transitive, and a version equals its canonical form. The legacy-aware order is a total order
// over all strings. Specifier evaluation never crashes and agrees with the comparison for the
// plain operators. Random bytes rarely form a version, so each input is checked twice: as raw
// strings and as versions built from its bytes.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>

#include "versions/pep440.h"

namespace {

using assay::versions::Sign;

void Check(bool ok) {
  if (!ok) std::abort();
}

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

// A PEP 440 version spelled from `bytes`, with small numbers so that ties and near-ties are
// common, and with the spellings normalisation has to fold together.
std::string MakeVersion(std::string_view bytes) {
  size_t k = 0;
  auto next = [&]() -> unsigned { return k < bytes.size() ? static_cast<uint8_t>(bytes[k++]) : 0; };
  static constexpr const char* kSeps[] = {"", ".", "-", "_"};
  static constexpr const char* kPre[] = {"a", "alpha", "b", "beta", "c", "rc", "pre", "preview"};
  static constexpr const char* kPost[] = {"post", "rev", "r", "POST"};
  auto num = [&](unsigned b) { return std::string(b & 8 ? "0" : "") + std::to_string(b % 4); };
  std::string v;
  unsigned b = next();
  if (b & 1) v += "v";
  if (b & 2) v += std::to_string(next() % 2) + "!";
  unsigned comps = 1 + next() % 4;
  for (unsigned i = 0; i < comps; ++i) v += (i ? "." : "") + num(next());
  b = next();
  if (b & 1) v += std::string(kSeps[(b >> 1) % 4]) + kPre[(b >> 3) % 8] + num(next());
  b = next();
  if (b & 1)
    v += (b & 2) ? "-" + std::to_string(b % 3)
                 : std::string(kSeps[(b >> 2) % 4]) + kPost[(b >> 4) % 4] + num(b);
  b = next();
  if (b & 1) v += std::string(kSeps[(b >> 1) % 4]) + "dev" + num(next());
  b = next();
  if (b & 1) v += (b & 2) ? "+abc" + num(next()) : "+" + num(next()) + "." + kPre[b % 8];
  return v;
}

// Reflexive, antisymmetric and transitive over three strings, for those `valid` accepts.
void CheckOrder(const std::array<std::string, 3>& v, const std::array<bool, 3>& valid,
                const std::function<int(const std::string&, const std::string&)>& cmp) {
  std::array<std::array<int, 3>, 3> c{};
  // Reflexivity is checked on the first string only: the three are alike, so over a run every
  // kind of string is first often enough, and each comparison costs time in a Debug build.
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      if (i == j && i != 0) continue;
      if (valid[i] && valid[j]) c[i][j] = Sign(cmp(v[i], v[j]));
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

void CheckTriple(const std::array<std::string, 3>& v, bool legacy) {
  const auto& scheme = assay::versions::Pep440Scheme();
  std::array<bool, 3> valid{};
  for (int i = 0; i < 3; ++i) valid[i] = scheme.Validate(v[i]).ok();
  // The three strings are alike, so checking one per input covers them all over a run.
  auto norm = assay::versions::Pep440Normalize(v[0]);
  Check(norm.ok() == valid[0]);
  if (valid[0]) {
    auto again = assay::versions::Pep440Normalize(*norm);
    Check(again.ok() && *again == *norm);
    auto same = scheme.Compare(v[0], *norm);
    Check(same.ok() && *same == 0);
  }
  CheckOrder(v, valid, [&](const std::string& a, const std::string& b) {
    auto r = scheme.Compare(a, b);
    Check(r.ok());
    return *r;
  });
  if (valid[0] && valid[1]) {
    Check(Sign(*scheme.Compare(v[0], v[1])) == assay::versions::ComparePypiWithLegacy(v[0], v[1]));
  }
  if (legacy) {
    CheckOrder(v, {true, true, true}, [](const std::string& a, const std::string& b) {
      return assay::versions::ComparePypiWithLegacy(a, b);
    });
  }
  (void)assay::versions::Pep440SpecifierContains(v[0], v[1]);
  // Specifiers built from the versions agree with the comparison.
  if (valid[0] && valid[1] && v[0].find('+') == std::string::npos &&
      v[1].find('+') == std::string::npos) {
    int c = Sign(*scheme.Compare(v[1], v[0]));
    auto ge = assay::versions::Pep440SpecifierContains(">=" + v[0], v[1]);
    auto le = assay::versions::Pep440SpecifierContains("<=" + v[0], v[1]);
    auto ne = assay::versions::Pep440SpecifierContains("!=" + v[0], v[1]);
    Check(ge.ok() && le.ok() && ne.ok());
    Check(*ge == (c >= 0) && *le == (c <= 0) && *ne == (c != 0));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto in = Split3(std::string_view(reinterpret_cast<const char*>(data), size));
  CheckTriple({std::string(in[0]), std::string(in[1]), std::string(in[2])}, /*legacy=*/true);
  CheckTriple({MakeVersion(in[0]), MakeVersion(in[1]), MakeVersion(in[2])}, /*legacy=*/false);
  return 0;
}
