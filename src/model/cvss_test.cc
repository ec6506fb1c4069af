// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "model/cvss.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/testing/conformance.h"

namespace assay::model {
namespace {

// Scores compare exactly at one decimal.
long Tenths(double x) { return std::lround(x * 10); }

struct Case {
  std::string name;
  std::string vector;
  CvssVersion version;
  std::optional<double> base;
  std::optional<double> temporal;
  std::optional<double> environmental;
  double score;
  std::string nomenclature;
  std::string severity;
};

void ExpectScore(const Case& tc) {
  SCOPED_TRACE(tc.name + ": " + tc.vector);
  auto r = ScoreCvss(tc.vector);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, tc.version);
  EXPECT_EQ(r->vector, tc.vector);
  auto same = [](std::optional<double> got, std::optional<double> want) {
    if (got.has_value() != want.has_value()) return false;
    return !got || Tenths(*got) == Tenths(*want);
  };
  EXPECT_TRUE(same(r->base, tc.base)) << r->base.value_or(-1);
  EXPECT_TRUE(same(r->temporal, tc.temporal)) << r->temporal.value_or(-1);
  EXPECT_TRUE(same(r->environmental, tc.environmental)) << r->environmental.value_or(-1);
  EXPECT_EQ(Tenths(r->score), Tenths(tc.score)) << r->score;
  EXPECT_EQ(r->nomenclature, tc.nomenclature);
  EXPECT_EQ(r->severity, tc.severity);
}

TEST(CvssTest, HandPicked) {
  constexpr auto kV2 = CvssVersion::kV2;
  constexpr auto kV30 = CvssVersion::kV30;
  constexpr auto kV31 = CvssVersion::kV31;
  constexpr auto kV40 = CvssVersion::kV40;
  const std::vector<Case> cases = {
      // v2: bare, NVD's parenthesised form, and the "CVSS:2.0/" prefix all score alike.
      {"v2 bare", "AV:N/AC:L/Au:N/C:P/I:P/A:P", kV2, 7.5, 7.5, 7.5, 7.5, "", "High"},
      {"v2 parens", "(AV:N/AC:L/Au:N/C:P/I:P/A:P)", kV2, 7.5, 7.5, 7.5, 7.5, "", "High"},
      {"v2 prefix", "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", kV2, 7.5, 7.5, 7.5, 7.5, "", "High"},
      {"v2 no impact", "AV:L/AC:H/Au:M/C:N/I:N/A:N", kV2, 0.0, 0.0, 0.0, 0.0, "", "Low"},
      // 9.0 × 0.95 = 8.55 exactly; binary doubles give 8.5499…, the guide's half-up gives 8.6.
      {"v2 temporal tie", "AV:N/AC:L/Au:S/C:C/I:C/A:C/E:F/RL:U/RC:C", kV2, 9.0, 8.6, 8.6, 8.6, "",
       "High"},
      // Severity rates the base score even when the headline score is environmental.
      {"v2 environmental", "AV:L/AC:M/Au:S/C:N/I:P/A:C/E:U/RL:OF/RC:UR/CDP:N/TD:L/CR:H/IR:H/AR:H",
       kV2, 5.0, 3.5, 1.2, 1.2, "", "Medium"},
      // v3.x: metric order is free; X and absent are the same.
      {"v3.1 critical", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", kV31, 9.8, 9.8, 9.8, 9.8,
       "", "Critical"},
      {"v3.1 reordered", "CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N", kV31, 9.8, 9.8, 9.8, 9.8,
       "", "Critical"},
      {"v3.1 explicit X", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/CR:X/MAV:X", kV31, 9.8,
       9.8, 9.8, 9.8, "", "Critical"},
      {"v3.0 scope changed", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", kV30, 10.0, 10.0, 10.0,
       10.0, "", "Critical"},
      {"v3.0 medium", "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N", kV30, 6.5, 6.5, 6.5, 6.5, "",
       "Medium"},
      {"v3.1 temporal", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C", kV31, 9.8,
       8.8, 8.8, 8.8, "", "Critical"},
      // 3.1 changed the scope-changed ModifiedImpact term, so a base-only vector's environmental
      // score can differ from its base score.
      {"v3.1 env differs", "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", kV31, 9.0, 9.0, 9.1, 9.0,
       "", "Critical"},
      {"v3.0 env same", "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", kV30, 9.0, 9.0, 9.0, 9.0,
       "", "Critical"},
      {"v3.0 environmental",
       "CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:L/E:U/RL:U/RC:R/CR:M/MPR:L/MUI:R/MI:N/MA:H",
       kV30, 7.7, 6.8, 6.3, 6.3, "", "High"},
      {"v3.0 env to zero",
       "CVSS:3.0/AV:P/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N/E:H/RC:U/CR:M/MAV:P/MAC:L/MUI:R/MC:N/MI:N",
       kV30, 4.2, 3.9, 0.0, 0.0, "", "Medium"},
      // v4.0 (scores from FIRST's calculator).
      {"v4 max", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", kV40, 10.0,
       std::nullopt, std::nullopt, 10.0, "CVSS-B", "Critical"},
      {"v4 no impact", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", kV40, 0.0,
       std::nullopt, std::nullopt, 0.0, "CVSS-B", "None"},
      {"v4 base", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", kV40, 9.2,
       std::nullopt, std::nullopt, 9.2, "CVSS-B", "Critical"},
      // Supplemental metrics are validated but never scored; E:X sets no threat metric.
      {"v4 supplemental",
       "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L/E:X/S:P/AU:Y/R:I/V:C/RE:H/"
       "U:Red",
       kV40, 9.2, std::nullopt, std::nullopt, 9.2, "CVSS-B", "Critical"},
      {"v4 threat", "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A", kV40,
       std::nullopt, std::nullopt, std::nullopt, 7.3, "CVSS-BT", "High"},
      {"v4 environmental",
       "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:H/AR:H", kV40,
       std::nullopt, std::nullopt, std::nullopt, 7.3, "CVSS-BE", "High"},
      {"v4 threat+env",
       "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:N/VI:H/VA:H/SC:N/SI:L/SA:L/E:P/CR:H/IR:M/AR:H/MAV:A/"
       "MAT:P/MPR:N/MVI:H/MVA:N/MSI:H/MSA:N/S:N/V:C/U:Amber",
       kV40, std::nullopt, std::nullopt, std::nullopt, 4.7, "CVSS-BTE", "Medium"},
      // The interpolation gives 5.65 exactly (5.6499999999999995 in doubles); half up is 5.7.
      // Older FIRST calculator builds printed 5.6 (conformance disputed.jsonl).
      {"v4 tie", "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L", kV40, 5.7,
       std::nullopt, std::nullopt, 5.7, "CVSS-B", "Medium"},
  };
  for (const Case& tc : cases) ExpectScore(tc);
}

TEST(CvssTest, RejectsMalformedWithReason) {
  struct Bad {
    std::string vector;
    std::string reason;  // a substring of the error message
  };
  const std::vector<Bad> cases = {
      {"", "empty"},
      {"/", "empty component"},
      {"CVSS:3.1", "no '/'"},
      {"CVSS:3.1/", "no metrics"},
      {"CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unsupported CVSS version"},
      {"cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "\"CVSS:\""},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "missing mandatory metric(s) A"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", "missing mandatory metric(s) S"},
      {"CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "duplicate metric AV"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:N", "unknown metric \"XX\""},
      {"CVSS:3.1/AV:W/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "bad value \"W\" for metric AV"},
      {"CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "case-sensitive"},
      {"CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "must be written \"AV\""},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "trailing '/'"},
      {"CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "empty component"},
      {"CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "has no ':'"},
      {"CVSS:3.1/AV::N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "more than one ':'"},
      {"CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "empty value"},
      {"CVSS:3.1/:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "no metric name"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MPR:S", "bad value \"S\" for metric MPR"},
      {"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "prefix"},
      {"AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X", "bad value \"X\" for metric E"},
      {"(AV:N/AC:L/Au:N/C:P/I:P/A:P", "closing ')'"},
      {"CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", "out of order"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/U:X/E:A", "out of order"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A/E:X", "duplicate"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:S/SA:H", "bad value \"S\""},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/SC:H/SI:H/SA:H", "missing mandatory"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/U:red", "case-sensitive"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ", "bad value"},
      {std::string("CVSS:3.1/AV:N\0/AC:L", 19), "\\x00"},
  };
  for (const Bad& tc : cases) {
    SCOPED_TRACE(tc.vector);
    auto r = ScoreCvss(tc.vector);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find(tc.reason), std::string::npos) << r.status().message();
  }
}

TEST(CvssTest, RatingsAndSeverity) {
  EXPECT_EQ(CvssRating(CvssVersion::kV31, 0.0), "None");
  EXPECT_EQ(CvssRating(CvssVersion::kV31, 0.1), "Low");
  EXPECT_EQ(CvssRating(CvssVersion::kV40, 3.9), "Low");
  EXPECT_EQ(CvssRating(CvssVersion::kV30, 4.0), "Medium");
  EXPECT_EQ(CvssRating(CvssVersion::kV31, 6.9), "Medium");
  EXPECT_EQ(CvssRating(CvssVersion::kV31, 7.0), "High");
  EXPECT_EQ(CvssRating(CvssVersion::kV40, 8.9), "High");
  EXPECT_EQ(CvssRating(CvssVersion::kV40, 9.0), "Critical");
  EXPECT_EQ(CvssRating(CvssVersion::kV2, 0.0), "Low");
  EXPECT_EQ(CvssRating(CvssVersion::kV2, 6.9), "Medium");
  EXPECT_EQ(CvssRating(CvssVersion::kV2, 7.0), "High");
  EXPECT_EQ(CvssRating(CvssVersion::kV2, 10.0), "High");
  EXPECT_EQ(CvssSeverityToSeverity("None"), Severity::kInformational);
  EXPECT_EQ(CvssSeverityToSeverity("Low"), Severity::kLow);
  EXPECT_EQ(CvssSeverityToSeverity("Medium"), Severity::kMedium);
  EXPECT_EQ(CvssSeverityToSeverity("High"), Severity::kHigh);
  EXPECT_EQ(CvssSeverityToSeverity("Critical"), Severity::kCritical);
  EXPECT_EQ(CvssSeverityToSeverity("critical"), Severity::kUntriaged);
  EXPECT_EQ(CvssVersionName(CvssVersion::kV2), "2.0");
  EXPECT_EQ(CvssVersionName(CvssVersion::kV40), "4.0");
}

// ---- Conformance over ../shared/conformance/cvss ----------------------------------------------

// Compares one expectation row to our result; returns "" when it matches, else why not.
std::string CheckRow(const nlohmann::json& row, const CvssScore& got) {
  std::string why;
  auto num = [&](const char* field, std::optional<double> ours) {
    if (!row.contains(field) || row[field].is_null()) return;
    double want = row[field].get<double>();
    if (!ours) {
      why += std::string(" ") + field + ": none, want " + row[field].dump();
    } else if (Tenths(*ours) != Tenths(want)) {
      why +=
          std::string(" ") + field + ": " + std::to_string(*ours) + ", want " + row[field].dump();
    }
  };
  auto str = [&](const char* field, const std::string& ours) {
    if (!row.contains(field) || !row[field].is_string()) return;
    if (ours != row[field].get<std::string>()) {
      why += std::string(" ") + field + ": \"" + ours + "\", want " + row[field].dump();
    }
  };
  if (row.contains("version")) str("version", std::string(CvssVersionName(got.version)));
  num("base", got.base);
  num("temporal", got.temporal);
  num("environmental", got.environmental);
  num("score", got.score);
  str("nomenclature", got.nomenclature);
  // v2/v3 rows: severity rates the base score; v4 rows: the score (README, cvss/ section).
  str("severity", got.severity);
  if (got.version == CvssVersion::kV40 && !row.contains("base") && got.base) {
    why += " base: " + std::to_string(*got.base) + ", want none (not a CVSS-B vector)";
  }
  if (row.contains("severities_all") && row["severities_all"].is_object()) {
    const auto& all = row["severities_all"];
    auto rate = [&](const char* field, std::optional<double> ours) {
      if (!all.contains(field) || !all[field].is_string() || !ours) return;
      std::string mine(CvssRating(got.version, *ours));
      if (mine != all[field].get<std::string>()) {
        why +=
            std::string(" severities_all.") + field + ": " + mine + ", want " + all[field].dump();
      }
    };
    rate("base", got.base);
    rate("temporal", got.temporal);
    rate("environmental", got.environmental);
  }
  return why;
}

TEST(CvssConformance, SharedCorpus) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "no ../shared/conformance";
  auto cvss = *dir / "cvss";
  std::set<std::string> disputed;
  if (std::filesystem::exists(cvss / "disputed.jsonl")) {
    for (const auto& jl : testing::ReadJsonLines(cvss / "disputed.jsonl")) {
      disputed.insert(jl.value.value("vector", ""));
    }
  }
  testing::PassTable table("CVSS conformance (" + cvss.string() + ")");
  int shown = 0;
  auto report = [&](const std::string& file, int line, const std::string& msg) {
    if (++shown <= 40) ADD_FAILURE() << file << ":" << line << ": " << msg;
  };

  for (const char* file :
       {"v2.jsonl", "v3.jsonl", "v4.jsonl", "v3_generated.jsonl", "v4_generated.jsonl"}) {
    if (!std::filesystem::exists(cvss / file)) continue;
    for (const auto& jl : testing::ReadJsonLines(cvss / file)) {
      std::string vector = jl.value.value("vector", "");
      if (disputed.count(vector)) continue;
      std::string group = std::string(file) + " " + jl.value.value("version", "?");
      if (jl.value.contains("nomenclature")) {
        group += " " + jl.value["nomenclature"].get<std::string>();
      }
      auto r = ScoreCvss(vector);
      if (!r.ok()) {
        table.Add(group, false);
        report(file, jl.line, vector + ": rejected: " + r.status().message());
        continue;
      }
      std::string why = CheckRow(jl.value, *r);
      table.Add(group, why.empty());
      if (!why.empty()) report(file, jl.line, vector + ":" + why);
    }
  }

  for (const auto& jl : testing::ReadJsonLines(cvss / "malformed.jsonl")) {
    std::string vector = jl.value.value("vector", "");
    if (disputed.count(vector)) continue;
    std::string group = "malformed.jsonl " + jl.value.value("cvss_version", "?");
    auto r = ScoreCvss(vector);
    table.Add(group, !r.ok());
    if (r.ok())
      report("malformed.jsonl", jl.line, vector + ": accepted, score " + std::to_string(r->score));
  }

  table.Print();
  EXPECT_EQ(table.Failed(), 0);
}

}  // namespace
}  // namespace assay::model
