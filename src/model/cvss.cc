// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// CVSS dispatch by prefix, the shared strict metric parser, and the v2 / v3.x equations. The
// equations follow the specifications: "A Complete Guide to the Common Vulnerability Scoring
// System Version 2.0" §3.2, and the CVSS v3.0 / v3.1 specification documents §8 and Appendix A.
#include "model/cvss.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "model/internal/cvss_internal.h"

namespace assay::model {
namespace internal {
namespace {

// Quotes a piece of untrusted input for an error message: at most 32 bytes, non-printable bytes
// escaped, so the message stays short, printable and valid UTF-8.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 32;
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > kMax) out += "...";
  out += "\"";
  return out;
}

bool HasToken(std::string_view list, std::string_view token, bool ignore_case) {
  while (!list.empty()) {
    size_t space = list.find(' ');
    std::string_view t = list.substr(0, space);
    if (ignore_case ? base::EqualsIgnoreCase(t, token) : t == token) return true;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return false;
}

std::string AllowedList(std::string_view list) {
  std::string out;
  for (std::string_view t : base::Split(list, ' ')) {
    if (!out.empty()) out += ", ";
    out += t;
  }
  return out;
}

}  // namespace

base::Status ParseCvssMetrics(std::string_view body, std::span<const CvssMetricDef> defs,
                              bool ordered, std::span<std::string_view> out) {
  if (out.size() != defs.size()) return base::Status::Internal("metric table size mismatch");
  std::fill(out.begin(), out.end(), std::string_view());
  if (body.empty()) return base::Status::InvalidArgument("no metrics after the prefix");
  std::vector<std::string_view> components = base::Split(body, '/');
  size_t last_index = 0;
  bool any = false;
  for (size_t n = 0; n < components.size(); ++n) {
    std::string_view comp = components[n];
    if (comp.empty()) {
      if (n + 1 == components.size()) return base::Status::InvalidArgument("trailing '/'");
      return base::Status::InvalidArgument("empty component at position " + std::to_string(n + 1) +
                                           " ('//' or leading '/')");
    }
    size_t colon = comp.find(':');
    if (colon == std::string_view::npos) {
      return base::Status::InvalidArgument("component " + Quote(comp) + " has no ':'");
    }
    if (comp.find(':', colon + 1) != std::string_view::npos) {
      return base::Status::InvalidArgument("component " + Quote(comp) + " has more than one ':'");
    }
    std::string_view name = comp.substr(0, colon);
    std::string_view value = comp.substr(colon + 1);
    if (name.empty()) {
      return base::Status::InvalidArgument("component " + Quote(comp) + " has no metric name");
    }
    size_t index = defs.size();
    for (size_t i = 0; i < defs.size(); ++i) {
      if (defs[i].name == name) {
        index = i;
        break;
      }
    }
    if (index == defs.size()) {
      for (const CvssMetricDef& d : defs) {
        if (base::EqualsIgnoreCase(d.name, name)) {
          return base::Status::InvalidArgument("metric " + Quote(name) + " must be written " +
                                               Quote(d.name) + " (names are case-sensitive)");
        }
      }
      return base::Status::InvalidArgument("unknown metric " + Quote(name));
    }
    const CvssMetricDef& def = defs[index];
    if (!out[index].empty()) {
      return base::Status::InvalidArgument("duplicate metric " + std::string(def.name));
    }
    if (ordered && any && index < last_index) {
      return base::Status::InvalidArgument("metric " + std::string(def.name) +
                                           " is out of order: it must come before " +
                                           std::string(defs[last_index].name));
    }
    if (value.empty()) {
      return base::Status::InvalidArgument("metric " + std::string(def.name) +
                                           " has an empty value");
    }
    if (!HasToken(def.values, value, /*ignore_case=*/false)) {
      std::string why = HasToken(def.values, value, /*ignore_case=*/true)
                            ? " (values are case-sensitive; allowed: "
                            : " (allowed: ";
      return base::Status::InvalidArgument("bad value " + Quote(value) + " for metric " +
                                           std::string(def.name) + why + AllowedList(def.values) +
                                           ")");
    }
    out[index] = value;
    last_index = index;
    any = true;
  }
  std::string missing;
  for (size_t i = 0; i < defs.size(); ++i) {
    if (defs[i].group == CvssGroup::kBase && out[i].empty()) {
      if (!missing.empty()) missing += ", ";
      missing += defs[i].name;
    }
  }
  if (!missing.empty()) {
    return base::Status::InvalidArgument("missing mandatory metric(s) " + missing);
  }
  return base::Status::Ok();
}

std::string_view CvssV3Rating(double score) {
  if (score <= 0) return "None";
  if (score < 4.0) return "Low";
  if (score < 7.0) return "Medium";
  if (score < 9.0) return "High";
  return "Critical";
}

}  // namespace internal

namespace {

using internal::CvssGroup;
using internal::CvssMetricDef;

// The weight of `value` in `table`; `value` has been validated, so a miss is a bug that we
// answer with 0 rather than crash on.
double Weight(std::string_view value,
              std::initializer_list<std::pair<std::string_view, double>> table) {
  for (const auto& [code, w] : table) {
    if (code == value) return w;
  }
  return 0;
}

// Optional metrics that are absent count as given with their "not defined" value.
std::string_view Or(std::string_view value, std::string_view not_defined) {
  return value.empty() ? not_defined : value;
}

bool AnySet(std::span<const std::string_view> values, std::span<const CvssMetricDef> defs,
            CvssGroup group, std::string_view not_defined) {
  for (size_t i = 0; i < defs.size(); ++i) {
    if (defs[i].group == group && !values[i].empty() && values[i] != not_defined) return true;
  }
  return false;
}

// ---- CVSS v2 -------------------------------------------------------------------------------

// clang-format off
enum V2 { kV2AV, kV2AC, kV2Au, kV2C, kV2I, kV2A, kV2E, kV2RL, kV2RC, kV2CDP, kV2TD, kV2CR,
          kV2IR, kV2AR, kV2Count };
// clang-format on

constexpr std::array<CvssMetricDef, kV2Count> kV2Defs = {{
    {"AV", "L A N", CvssGroup::kBase},
    {"AC", "H M L", CvssGroup::kBase},
    {"Au", "M S N", CvssGroup::kBase},
    {"C", "N P C", CvssGroup::kBase},
    {"I", "N P C", CvssGroup::kBase},
    {"A", "N P C", CvssGroup::kBase},
    {"E", "U POC F H ND", CvssGroup::kThreat},
    {"RL", "OF TF W U ND", CvssGroup::kThreat},
    {"RC", "UC UR C ND", CvssGroup::kThreat},
    {"CDP", "N L LM MH H ND", CvssGroup::kEnvironmental},
    {"TD", "N L M H ND", CvssGroup::kEnvironmental},
    {"CR", "L M H ND", CvssGroup::kEnvironmental},
    {"IR", "L M H ND", CvssGroup::kEnvironmental},
    {"AR", "L M H ND", CvssGroup::kEnvironmental},
}};

// The v2 guide's round_to_1_decimal (half up). The guide's arithmetic is exact decimal; binary
// doubles can land a hair below an exact x.x5 (9.0 × 0.95 = 8.549999…), so we lift by far less
// than any real difference between two v2 scores before rounding.
double Round1HalfUp(double x) {
  double r = std::floor(x * 10 + 0.5 + 1e-9) / 10;
  return std::clamp(r, 0.0, 10.0) + 0.0;  // + 0.0 turns -0.0 into 0.0
}

double V2Impact(double c, double i, double a) { return 10.41 * (1 - (1 - c) * (1 - i) * (1 - a)); }

double V2Base(double impact, double exploitability) {
  double f = impact == 0 ? 0 : 1.176;
  return Round1HalfUp(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f);
}

CvssScore ScoreV2(std::string_view vector, const std::array<std::string_view, kV2Count>& m) {
  auto cia = [](std::string_view v) { return Weight(v, {{"N", 0.0}, {"P", 0.275}, {"C", 0.660}}); };
  double av = Weight(m[kV2AV], {{"L", 0.395}, {"A", 0.646}, {"N", 1.0}});
  double ac = Weight(m[kV2AC], {{"H", 0.35}, {"M", 0.61}, {"L", 0.71}});
  double au = Weight(m[kV2Au], {{"M", 0.45}, {"S", 0.56}, {"N", 0.704}});
  double c = cia(m[kV2C]), i = cia(m[kV2I]), a = cia(m[kV2A]);
  double exploitability = 20 * av * ac * au;
  double base = V2Base(V2Impact(c, i, a), exploitability);

  double e =
      Weight(Or(m[kV2E], "ND"), {{"U", 0.85}, {"POC", 0.9}, {"F", 0.95}, {"H", 1.0}, {"ND", 1.0}});
  double rl = Weight(Or(m[kV2RL], "ND"),
                     {{"OF", 0.87}, {"TF", 0.90}, {"W", 0.95}, {"U", 1.0}, {"ND", 1.0}});
  double rc = Weight(Or(m[kV2RC], "ND"), {{"UC", 0.90}, {"UR", 0.95}, {"C", 1.0}, {"ND", 1.0}});
  double temporal = Round1HalfUp(base * e * rl * rc);

  auto req = [](std::string_view v) {
    return Weight(Or(v, "ND"), {{"L", 0.5}, {"M", 1.0}, {"H", 1.51}, {"ND", 1.0}});
  };
  double cdp = Weight(Or(m[kV2CDP], "ND"),
                      {{"N", 0.0}, {"L", 0.1}, {"LM", 0.3}, {"MH", 0.4}, {"H", 0.5}, {"ND", 0.0}});
  double td =
      Weight(Or(m[kV2TD], "ND"), {{"N", 0.0}, {"L", 0.25}, {"M", 0.75}, {"H", 1.0}, {"ND", 1.0}});
  double adjusted_impact =
      std::min(10.0, V2Impact(c * req(m[kV2CR]), i * req(m[kV2IR]), a * req(m[kV2AR])));
  double adjusted_base = V2Base(adjusted_impact, exploitability);
  double adjusted_temporal = Round1HalfUp(adjusted_base * e * rl * rc);
  double environmental = Round1HalfUp((adjusted_temporal + (10 - adjusted_temporal) * cdp) * td);

  CvssScore s;
  s.version = CvssVersion::kV2;
  s.vector = std::string(vector);
  s.base = base;
  s.temporal = temporal;
  s.environmental = environmental;
  if (AnySet(m, kV2Defs, CvssGroup::kEnvironmental, "ND")) {
    s.score = environmental;
  } else if (AnySet(m, kV2Defs, CvssGroup::kThreat, "ND")) {
    s.score = temporal;
  } else {
    s.score = base;
  }
  s.severity = std::string(CvssRating(CvssVersion::kV2, base));
  return s;
}

// ---- CVSS v3.0 / v3.1 ----------------------------------------------------------------------

// clang-format off
enum V3 { kV3AV, kV3AC, kV3PR, kV3UI, kV3S, kV3C, kV3I, kV3A, kV3E, kV3RL, kV3RC, kV3CR, kV3IR,
          kV3AR, kV3MAV, kV3MAC, kV3MPR, kV3MUI, kV3MS, kV3MC, kV3MI, kV3MA, kV3Count };
// clang-format on

constexpr std::array<CvssMetricDef, kV3Count> kV3Defs = {{
    {"AV", "N A L P", CvssGroup::kBase},
    {"AC", "L H", CvssGroup::kBase},
    {"PR", "N L H", CvssGroup::kBase},
    {"UI", "N R", CvssGroup::kBase},
    {"S", "U C", CvssGroup::kBase},
    {"C", "H L N", CvssGroup::kBase},
    {"I", "H L N", CvssGroup::kBase},
    {"A", "H L N", CvssGroup::kBase},
    {"E", "X U P F H", CvssGroup::kThreat},
    {"RL", "X O T W U", CvssGroup::kThreat},
    {"RC", "X U R C", CvssGroup::kThreat},
    {"CR", "X L M H", CvssGroup::kEnvironmental},
    {"IR", "X L M H", CvssGroup::kEnvironmental},
    {"AR", "X L M H", CvssGroup::kEnvironmental},
    {"MAV", "X N A L P", CvssGroup::kEnvironmental},
    {"MAC", "X L H", CvssGroup::kEnvironmental},
    {"MPR", "X N L H", CvssGroup::kEnvironmental},
    {"MUI", "X N R", CvssGroup::kEnvironmental},
    {"MS", "X U C", CvssGroup::kEnvironmental},
    {"MC", "X N L H", CvssGroup::kEnvironmental},
    {"MI", "X N L H", CvssGroup::kEnvironmental},
    {"MA", "X N L H", CvssGroup::kEnvironmental},
}};

// Roundup differs by version. v3.1 (Appendix A) first rounds to 5 decimals so that binary noise
// such as 4.000000000000001 does not round up to 4.1. v3.0 defines plain "smallest one-decimal
// number >= input" in exact arithmetic; we drop noise below 1e-9 to approximate that.
double Roundup(CvssVersion v, double x) {
  if (v == CvssVersion::kV31) {
    int64_t i = std::llround(x * 100000);
    if (i % 10000 == 0) return static_cast<double>(i) / 100000.0;
    return static_cast<double>(i / 10000 + 1) / 10.0;
  }
  return std::ceil(x * 10 - 1e-9) / 10;
}

double V3AttackVector(std::string_view v) {
  return Weight(v, {{"N", 0.85}, {"A", 0.62}, {"L", 0.55}, {"P", 0.2}});
}
double V3AttackComplexity(std::string_view v) { return Weight(v, {{"L", 0.77}, {"H", 0.44}}); }
double V3PrivilegesRequired(std::string_view v, bool scope_changed) {
  if (scope_changed) return Weight(v, {{"N", 0.85}, {"L", 0.68}, {"H", 0.5}});
  return Weight(v, {{"N", 0.85}, {"L", 0.62}, {"H", 0.27}});
}
double V3UserInteraction(std::string_view v) { return Weight(v, {{"N", 0.85}, {"R", 0.62}}); }
double V3Cia(std::string_view v) { return Weight(v, {{"H", 0.56}, {"L", 0.22}, {"N", 0.0}}); }

CvssScore ScoreV3(CvssVersion version, std::string_view vector,
                  const std::array<std::string_view, kV3Count>& m) {
  // Base (§7.1).
  bool changed = m[kV3S] == "C";
  double iss = 1 - (1 - V3Cia(m[kV3C])) * (1 - V3Cia(m[kV3I])) * (1 - V3Cia(m[kV3A]));
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double exploitability = 8.22 * V3AttackVector(m[kV3AV]) * V3AttackComplexity(m[kV3AC]) *
                          V3PrivilegesRequired(m[kV3PR], changed) * V3UserInteraction(m[kV3UI]);
  double base = 0;
  if (impact > 0) {
    base = changed ? Roundup(version, std::min(1.08 * (impact + exploitability), 10.0))
                   : Roundup(version, std::min(impact + exploitability, 10.0));
  }

  // Temporal (§7.2); X and absent weigh 1.
  double e = Weight(Or(m[kV3E], "X"), {{"X", 1}, {"H", 1}, {"F", 0.97}, {"P", 0.94}, {"U", 0.91}});
  double rl =
      Weight(Or(m[kV3RL], "X"), {{"X", 1}, {"U", 1}, {"W", 0.97}, {"T", 0.96}, {"O", 0.95}});
  double rc = Weight(Or(m[kV3RC], "X"), {{"X", 1}, {"C", 1}, {"R", 0.96}, {"U", 0.92}});
  double temporal = Roundup(version, base * e * rl * rc);

  // Environmental (§7.3): a modified metric that is X or absent takes the base value.
  auto mod = [&m](int modified, int base_metric) {
    return (m[modified].empty() || m[modified] == "X") ? m[base_metric] : m[modified];
  };
  auto req = [](std::string_view v) {
    return Weight(Or(v, "X"), {{"X", 1}, {"H", 1.5}, {"M", 1}, {"L", 0.5}});
  };
  bool m_changed = mod(kV3MS, kV3S) == "C";
  double miss = std::min(1 - (1 - req(m[kV3CR]) * V3Cia(mod(kV3MC, kV3C))) *
                                 (1 - req(m[kV3IR]) * V3Cia(mod(kV3MI, kV3I))) *
                                 (1 - req(m[kV3AR]) * V3Cia(mod(kV3MA, kV3A))),
                         0.915);
  double m_impact;
  if (!m_changed) {
    m_impact = 6.42 * miss;
  } else if (version == CvssVersion::kV31) {
    // v3.1 changed this one term (specification §7.3 and its Appendix A note).
    m_impact = 7.52 * (miss - 0.029) - 3.25 * std::pow(miss * 0.9731 - 0.02, 13);
  } else {
    m_impact = 7.52 * (miss - 0.029) - 3.25 * std::pow(miss - 0.02, 15);
  }
  double m_exploitability =
      8.22 * V3AttackVector(mod(kV3MAV, kV3AV)) * V3AttackComplexity(mod(kV3MAC, kV3AC)) *
      V3PrivilegesRequired(mod(kV3MPR, kV3PR), m_changed) * V3UserInteraction(mod(kV3MUI, kV3UI));
  double environmental = 0;
  if (m_impact > 0) {
    double inner = m_changed ? std::min(1.08 * (m_impact + m_exploitability), 10.0)
                             : std::min(m_impact + m_exploitability, 10.0);
    environmental = Roundup(version, Roundup(version, inner) * e * rl * rc);
  }

  CvssScore s;
  s.version = version;
  s.vector = std::string(vector);
  s.base = base;
  s.temporal = temporal;
  s.environmental = environmental;
  if (AnySet(m, kV3Defs, CvssGroup::kEnvironmental, "X")) {
    s.score = environmental;
  } else if (AnySet(m, kV3Defs, CvssGroup::kThreat, "X")) {
    s.score = temporal;
  } else {
    s.score = base;
  }
  s.severity = std::string(CvssRating(version, base));
  return s;
}

base::Result<CvssScore> ParseV2(std::string_view vector, std::string_view body, bool had_prefix) {
  std::array<std::string_view, kV2Count> m;
  base::Status st = internal::ParseCvssMetrics(body, kV2Defs, /*ordered=*/false, m);
  if (!st.ok()) {
    return st.WithContext(had_prefix ? "CVSS 2.0 vector"
                                     : "CVSS 2.0 vector (v3/v4 need a \"CVSS:x.y/\" prefix)");
  }
  return ScoreV2(vector, m);
}

base::Result<CvssScore> ParseV3(CvssVersion version, std::string_view vector,
                                std::string_view body) {
  std::array<std::string_view, kV3Count> m;
  base::Status st = internal::ParseCvssMetrics(body, kV3Defs, /*ordered=*/false, m);
  if (!st.ok()) return st.WithContext("CVSS " + std::string(CvssVersionName(version)) + " vector");
  return ScoreV3(version, vector, m);
}

}  // namespace

std::string_view CvssVersionName(CvssVersion v) {
  switch (v) {
    case CvssVersion::kV2:
      return "2.0";
    case CvssVersion::kV30:
      return "3.0";
    case CvssVersion::kV31:
      return "3.1";
    case CvssVersion::kV40:
      return "4.0";
  }
  return "?";
}

std::string_view CvssRating(CvssVersion v, double score) {
  if (v == CvssVersion::kV2) {
    if (score < 4.0) return "Low";
    if (score < 7.0) return "Medium";
    return "High";
  }
  return internal::CvssV3Rating(score);
}

Severity CvssSeverityToSeverity(std::string_view rating) {
  if (rating == "None") return Severity::kInformational;
  if (rating == "Low") return Severity::kLow;
  if (rating == "Medium") return Severity::kMedium;
  if (rating == "High") return Severity::kHigh;
  if (rating == "Critical") return Severity::kCritical;
  return Severity::kUntriaged;
}

base::Result<CvssScore> ScoreCvss(std::string_view vector) {
  if (vector.empty()) return base::Status::InvalidArgument("empty CVSS vector");
  constexpr std::string_view kPrefix = "CVSS:";
  if (vector.starts_with(kPrefix)) {
    std::string_view rest = vector.substr(kPrefix.size());
    size_t slash = rest.find('/');
    std::string_view version = rest.substr(0, slash);
    if (slash == std::string_view::npos) {
      return base::Status::InvalidArgument("CVSS vector " + internal::Quote(vector) +
                                           " has no '/' after its version prefix");
    }
    std::string_view body = rest.substr(slash + 1);
    if (version == "3.1") return ParseV3(CvssVersion::kV31, vector, body);
    if (version == "3.0") return ParseV3(CvssVersion::kV30, vector, body);
    if (version == "4.0") {
      return internal::ScoreCvssV4(vector, body);
    }
    if (version == "2.0") return ParseV2(vector, body, /*had_prefix=*/true);
    return base::Status::InvalidArgument("unsupported CVSS version " + internal::Quote(version) +
                                         " (expected 2.0, 3.0, 3.1 or 4.0)");
  }
  if (base::StartsWithIgnoreCase(vector, kPrefix)) {
    return base::Status::InvalidArgument("CVSS prefix must be written \"CVSS:\", not " +
                                         internal::Quote(vector.substr(0, kPrefix.size())));
  }
  if (vector.front() == '(') {
    // NVD wrote v2 vectors as "(AV:N/AC:L/...)".
    if (vector.size() < 2 || vector.back() != ')') {
      return base::Status::InvalidArgument("CVSS 2.0 vector: '(' without a closing ')'");
    }
    std::string_view inner = vector.substr(1, vector.size() - 2);
    constexpr std::string_view kV2Prefix = "CVSS:2.0/";
    if (inner.starts_with(kV2Prefix)) inner.remove_prefix(kV2Prefix.size());
    // The wrapper marks the vector as v2 as clearly as a prefix would.
    return ParseV2(vector, inner, /*had_prefix=*/true);
  }
  return ParseV2(vector, vector, /*had_prefix=*/false);
}

}  // namespace assay::model
