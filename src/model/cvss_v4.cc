// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// CVSS v4.0 (FIRST, "Common Vulnerability Scoring System version 4.0: Specification Document"):
// metric grammar (§7, mandatory order), effective values of modified and "Not Defined" metrics,
// the six equivalence sets EQ1..EQ6 that pick a MacroVector (§8.2), and the interpolation
// between the MacroVector's score and its lower neighbours by severity distance (§8.3).
#include <array>
#include <cmath>
#include <optional>
#include <span>
#include <string>

#include "model/cvss.h"
#include "model/internal/cvss_internal.h"

namespace assay::model::internal {
namespace {

// In specification order, which v4.0 vectors must follow.
// clang-format off
enum V4 {
  kAV, kAC, kAT, kPR, kUI, kVC, kVI, kVA, kSC, kSI, kSA,              // base
  kE,                                                                 // threat
  kCR, kIR, kAR,                                                      // environmental ...
  kMAV, kMAC, kMAT, kMPR, kMUI, kMVC, kMVI, kMVA, kMSC, kMSI, kMSA,   // ... modified base
  kS, kAU, kR, kV, kRE, kU,                                           // supplemental
  kV4Count
};
// clang-format on
static_assert(kMAV - kAV == kMSA - kSA, "modified metrics mirror the base metrics");

constexpr std::array<CvssMetricDef, kV4Count> kV4Defs = {{
    {"AV", "N A L P", CvssGroup::kBase},
    {"AC", "L H", CvssGroup::kBase},
    {"AT", "N P", CvssGroup::kBase},
    {"PR", "N L H", CvssGroup::kBase},
    {"UI", "N P A", CvssGroup::kBase},
    {"VC", "H L N", CvssGroup::kBase},
    {"VI", "H L N", CvssGroup::kBase},
    {"VA", "H L N", CvssGroup::kBase},
    {"SC", "H L N", CvssGroup::kBase},
    {"SI", "H L N", CvssGroup::kBase},
    {"SA", "H L N", CvssGroup::kBase},
    {"E", "X A P U", CvssGroup::kThreat},
    {"CR", "X H M L", CvssGroup::kEnvironmental},
    {"IR", "X H M L", CvssGroup::kEnvironmental},
    {"AR", "X H M L", CvssGroup::kEnvironmental},
    {"MAV", "X N A L P", CvssGroup::kEnvironmental},
    {"MAC", "X L H", CvssGroup::kEnvironmental},
    {"MAT", "X N P", CvssGroup::kEnvironmental},
    {"MPR", "X N L H", CvssGroup::kEnvironmental},
    {"MUI", "X N P A", CvssGroup::kEnvironmental},
    {"MVC", "X H L N", CvssGroup::kEnvironmental},
    {"MVI", "X H L N", CvssGroup::kEnvironmental},
    {"MVA", "X H L N", CvssGroup::kEnvironmental},
    {"MSC", "X H L N", CvssGroup::kEnvironmental},
    {"MSI", "X S H L N", CvssGroup::kEnvironmental},
    {"MSA", "X S H L N", CvssGroup::kEnvironmental},
    {"S", "X N P", CvssGroup::kSupplemental},
    {"AU", "X N Y", CvssGroup::kSupplemental},
    {"R", "X A U I", CvssGroup::kSupplemental},
    {"V", "X D C", CvssGroup::kSupplemental},
    {"RE", "X L M H", CvssGroup::kSupplemental},
    {"U", "X Clear Green Amber Red", CvssGroup::kSupplemental},
}};

using Values = std::array<std::string_view, kV4Count>;

bool Set(std::string_view v) { return !v.empty() && v != "X"; }

// The value scoring uses (§7.4): a modified metric overrides its base metric; E "Not Defined"
// scores as Attacked and CR/IR/AR "Not Defined" as High, the worst case. Every scored value is a
// single letter, so a char suffices.
char Effective(const Values& m, int metric) {
  if (metric == kE) return Set(m[kE]) ? m[kE][0] : 'A';
  if (metric == kCR || metric == kIR || metric == kAR) return Set(m[metric]) ? m[metric][0] : 'H';
  if (metric <= kSA) {
    std::string_view modified = m[kMAV + metric];
    if (Set(modified)) return modified[0];
  }
  return m[metric][0];
}

// Severity levels of metric values (§8.3): 0 is the most severe; each step is 0.1.
double Level(int metric, char v) {
  switch (metric) {
    case kAV:
      return v == 'N' ? 0.0 : v == 'A' ? 0.1 : v == 'L' ? 0.2 : 0.3;
    case kPR:
      return v == 'N' ? 0.0 : v == 'L' ? 0.1 : 0.2;
    case kUI:
      return v == 'N' ? 0.0 : v == 'P' ? 0.1 : 0.2;
    case kAC:
      return v == 'L' ? 0.0 : 0.1;
    case kAT:
      return v == 'N' ? 0.0 : 0.1;
    case kVC:
    case kVI:
    case kVA:
      return v == 'H' ? 0.0 : v == 'L' ? 0.1 : 0.2;
    case kSC:
      return v == 'H' ? 0.1 : v == 'L' ? 0.2 : 0.3;
    case kSI:
    case kSA:
      return v == 'S' ? 0.0 : v == 'H' ? 0.1 : v == 'L' ? 0.2 : 0.3;
    case kCR:
    case kIR:
    case kAR:
      return v == 'H' ? 0.0 : v == 'M' ? 0.1 : 0.2;
    default:
      return 0.0;
  }
}

struct MacroVector {
  int eq[6];  // EQ1..EQ6
};

MacroVector Classify(const Values& m) {
  auto is = [&m](int metric, char v) { return Effective(m, metric) == v; };
  MacroVector mv{};
  // EQ1: 0 AV:N and PR:N and UI:N; 1 (AV:N or PR:N or UI:N), not all three, and not AV:P;
  // 2 AV:P or none of AV:N, PR:N, UI:N.
  bool all_n = is(kAV, 'N') && is(kPR, 'N') && is(kUI, 'N');
  bool any_n = is(kAV, 'N') || is(kPR, 'N') || is(kUI, 'N');
  mv.eq[0] = all_n ? 0 : (any_n && !is(kAV, 'P')) ? 1 : 2;
  // EQ2: 0 AC:L and AT:N; 1 otherwise.
  mv.eq[1] = (is(kAC, 'L') && is(kAT, 'N')) ? 0 : 1;
  // EQ3: 0 VC:H and VI:H; 1 otherwise any of VC, VI, VA High; 2 none High.
  bool vc_h = is(kVC, 'H'), vi_h = is(kVI, 'H'), va_h = is(kVA, 'H');
  mv.eq[2] = (vc_h && vi_h) ? 0 : (vc_h || vi_h || va_h) ? 1 : 2;
  // EQ4: 0 MSI:S or MSA:S; 1 otherwise any of SC, SI, SA High; 2 otherwise.
  bool safety = is(kSI, 'S') || is(kSA, 'S');
  mv.eq[3] = safety ? 0 : (is(kSC, 'H') || is(kSI, 'H') || is(kSA, 'H')) ? 1 : 2;
  // EQ5: E:A 0, E:P 1, E:U 2.
  char e = Effective(m, kE);
  mv.eq[4] = e == 'A' ? 0 : e == 'P' ? 1 : 2;
  // EQ6: 0 when a High requirement meets a High impact on the same property; 1 otherwise.
  bool eq6_zero = (is(kCR, 'H') && vc_h) || (is(kIR, 'H') && vi_h) || (is(kAR, 'H') && va_h);
  mv.eq[5] = eq6_zero ? 0 : 1;
  return mv;
}

std::optional<double> Lookup(const MacroVector& mv) {
  return CvssV4MacroVectorScore(mv.eq[0], mv.eq[1], mv.eq[2], mv.eq[3], mv.eq[4], mv.eq[5]);
}

// The highest-severity vectors of each EQ level (§8.3, FIRST calculator's max_composed data),
// as values of the metrics that EQ covers. A MacroVector's highest-severity vectors are all
// combinations of one entry per EQ; EQ5 (E) takes no part in distances.
struct Eq1Max {
  char av, pr, ui;
};
struct Eq2Max {
  char ac, at;
};
struct Eq36Max {
  char vc, vi, va, cr, ir, ar;
};
struct Eq4Max {
  char sc, si, sa;
};

constexpr std::array<std::array<Eq1Max, 3>, 3> kEq1Max = {{
    {{{'N', 'N', 'N'}}},
    {{{'A', 'N', 'N'}, {'N', 'L', 'N'}, {'N', 'N', 'P'}}},
    {{{'P', 'N', 'N'}, {'A', 'L', 'P'}}},
}};
constexpr std::array<int, 3> kEq1MaxCount = {1, 3, 2};

constexpr std::array<std::array<Eq2Max, 2>, 2> kEq2Max = {{
    {{{'L', 'N'}}},
    {{{'H', 'N'}, {'L', 'P'}}},
}};
constexpr std::array<int, 2> kEq2MaxCount = {1, 2};

// Indexed [EQ3][EQ6]; EQ3=2 with EQ6=0 does not exist.
constexpr Eq36Max kEq36Max[3][2][5] = {
    {
        {{'H', 'H', 'H', 'H', 'H', 'H'}},
        {{'H', 'H', 'L', 'M', 'M', 'H'}, {'H', 'H', 'H', 'M', 'M', 'M'}},
    },
    {
        {{'L', 'H', 'H', 'H', 'H', 'H'}, {'H', 'L', 'H', 'H', 'H', 'H'}},
        {{'L', 'H', 'L', 'H', 'M', 'H'},
         {'L', 'H', 'H', 'H', 'M', 'M'},
         {'H', 'L', 'H', 'M', 'H', 'M'},
         {'H', 'L', 'L', 'M', 'H', 'H'},
         {'L', 'L', 'H', 'H', 'H', 'M'}},
    },
    {
        {},
        {{'L', 'L', 'L', 'H', 'H', 'H'}},
    },
};
constexpr int kEq36MaxCount[3][2] = {{1, 2}, {2, 5}, {0, 1}};

constexpr std::array<Eq4Max, 3> kEq4Max = {{{'H', 'S', 'S'}, {'H', 'H', 'H'}, {'L', 'L', 'L'}}};

// Depth of each EQ level in severity steps ("max severity distance" + 1), §8.3.
constexpr std::array<int, 3> kEq1Depth = {1, 4, 5};
constexpr std::array<int, 2> kEq2Depth = {1, 2};
constexpr int kEq36Depth[3][2] = {{7, 6}, {8, 8}, {0, 10}};
constexpr std::array<int, 3> kEq4Depth = {6, 5, 4};

// Severity distances of the vector from one highest-severity vector, per metric.
struct Distances {
  double av, pr, ui, ac, at, vc, vi, va, sc, si, sa, cr, ir, ar;
  bool AnyNegative() const {
    for (double d : {av, pr, ui, ac, at, vc, vi, va, sc, si, sa, cr, ir, ar}) {
      if (d < 0) return true;
    }
    return false;
  }
};

// §8.3 step b: the severity distance from the first highest-severity vector of the MacroVector
// that is at least as severe as the vector in every metric. (Should none qualify, the last one
// tried is used, as the reference calculator does.)
Distances DistanceToMax(const Values& m, const MacroVector& mv) {
  auto d = [&m](int metric, char max_value) {
    return Level(metric, Effective(m, metric)) - Level(metric, max_value);
  };
  const int eq1 = mv.eq[0], eq2 = mv.eq[1], eq3 = mv.eq[2], eq4 = mv.eq[3], eq6 = mv.eq[5];
  Distances dist{};
  for (int a = 0; a < kEq1MaxCount[eq1]; ++a) {
    for (int b = 0; b < kEq2MaxCount[eq2]; ++b) {
      for (int c = 0; c < kEq36MaxCount[eq3][eq6]; ++c) {
        const Eq1Max& x1 = kEq1Max[eq1][a];
        const Eq2Max& x2 = kEq2Max[eq2][b];
        const Eq36Max& x3 = kEq36Max[eq3][eq6][c];
        const Eq4Max& x4 = kEq4Max[eq4];
        dist = {d(kAV, x1.av), d(kPR, x1.pr), d(kUI, x1.ui), d(kAC, x2.ac), d(kAT, x2.at),
                d(kVC, x3.vc), d(kVI, x3.vi), d(kVA, x3.va), d(kSC, x4.sc), d(kSI, x4.si),
                d(kSA, x4.sa), d(kCR, x3.cr), d(kIR, x3.ir), d(kAR, x3.ar)};
        if (!dist.AnyNegative()) return dist;
      }
    }
  }
  return dist;
}

double Score(const Values& m) {
  // §8.3: no impact on either system scores 0 whatever else the vector says.
  bool no_impact = true;
  for (int metric : {kVC, kVI, kVA, kSC, kSI, kSA}) {
    if (Effective(m, metric) != 'N') no_impact = false;
  }
  if (no_impact) return 0.0;

  MacroVector mv = Classify(m);
  std::optional<double> found = Lookup(mv);
  if (!found) return 0.0;  // cannot happen: Classify never yields EQ3=2 with EQ6=0
  double value = *found;
  const int eq1 = mv.eq[0], eq2 = mv.eq[1], eq3 = mv.eq[2], eq4 = mv.eq[3], eq6 = mv.eq[5];

  // Step a: the score of the next lower MacroVector along each EQ (none past the last level).
  auto next = [&mv](int eq_index, int step) {
    MacroVector lower = mv;
    lower.eq[eq_index] += step;
    return Lookup(lower);
  };
  std::optional<double> lower1 = next(0, 1);
  std::optional<double> lower2 = next(1, 1);
  std::optional<double> lower36;
  if (eq3 == 0 && eq6 == 0) {
    // Two lower neighbours (EQ6 0→1 and EQ3 0→1); the higher-scoring one is the next.
    std::optional<double> left = next(5, 1);
    std::optional<double> right = next(2, 1);
    lower36 = (left && (!right || *left > *right)) ? left : right;
  } else if (eq3 == 1 && eq6 == 0) {
    lower36 = next(5, 1);
  } else if (eq6 == 1) {
    lower36 = next(2, 1);  // 01→11, 11→21; 21 has none
  }
  std::optional<double> lower4 = next(3, 1);
  std::optional<double> lower5 = next(4, 1);

  // Step b: severity distance from the highest-severity vector, summed per EQ.
  Distances dist = DistanceToMax(m, mv);
  double distance1 = dist.av + dist.pr + dist.ui;
  double distance2 = dist.ac + dist.at;
  double distance36 = dist.vc + dist.vi + dist.va + dist.cr + dist.ir + dist.ar;
  double distance4 = dist.sc + dist.si + dist.sa;

  // Steps c–d: the proportion of the EQ's depth, times the score gap to the lower MacroVector.
  // EQ5 counts as a neighbour but contributes nothing: all of a level's vectors share its E.
  constexpr double kStep = 0.1;
  int n_lower = 0;
  double normalized1 = 0, normalized2 = 0, normalized36 = 0, normalized4 = 0;
  if (lower1) {
    ++n_lower;
    normalized1 = (value - *lower1) * (distance1 / (kEq1Depth[eq1] * kStep));
  }
  if (lower2) {
    ++n_lower;
    normalized2 = (value - *lower2) * (distance2 / (kEq2Depth[eq2] * kStep));
  }
  if (lower36) {
    ++n_lower;
    normalized36 = (value - *lower36) * (distance36 / (kEq36Depth[eq3][eq6] * kStep));
  }
  if (lower4) {
    ++n_lower;
    normalized4 = (value - *lower4) * (distance4 / (kEq4Depth[eq4] * kStep));
  }
  if (lower5) ++n_lower;

  // Step 2–3: subtract the mean of those, clamp, round half up to one decimal. The arithmetic
  // can land one ULP below an x.x5 tie (5.6499999999999995); lifting by 1e-6 first rounds such
  // ties up, as exact arithmetic would (FIRST's current calculator does the same).
  double mean =
      n_lower == 0 ? 0 : (normalized1 + normalized2 + normalized36 + normalized4) / n_lower;
  value -= mean;
  if (value < 0) value = 0;
  if (value > 10) value = 10;
  return std::floor((value + 1e-6) * 10 + 0.5) / 10;
}

}  // namespace

base::Result<CvssScore> ScoreCvssV4(std::string_view vector, std::string_view body) {
  Values m;
  base::Status st = ParseCvssMetrics(body, kV4Defs, /*ordered=*/true, m);
  if (!st.ok()) return st.WithContext("CVSS 4.0 vector");

  bool threat = Set(m[kE]);
  bool environmental = false;
  for (int i = kCR; i <= kMSA; ++i) environmental = environmental || Set(m[i]);

  CvssScore s;
  s.version = CvssVersion::kV40;
  s.vector = std::string(vector);
  s.score = Score(m);
  s.nomenclature = std::string("CVSS-B") + (threat ? "T" : "") + (environmental ? "E" : "");
  if (!threat && !environmental) s.base = s.score;
  s.severity = std::string(CvssV3Rating(s.score));
  return s;
}

}  // namespace assay::model::internal
