// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "cli/cvss_cmd.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace assay::cli {
namespace {

TEST(CvssCmdTest, ValidVectors) {
  // 9.8 × 0.94 = 9.212 rounds up to 9.3; severity rates the base score.
  nlohmann::ordered_json v31 = CvssToJson("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P");
  EXPECT_EQ(v31.dump(),
            R"({"version":"3.1","valid":true,"base":9.8,"temporal":9.3,"environmental":9.3,)"
            R"("score":9.3,"nomenclature":null,"severity":"Critical","error":null})");

  nlohmann::ordered_json v4 =
      CvssToJson("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L");
  EXPECT_EQ(v4.dump(),
            R"({"version":"4.0","valid":true,"base":9.2,"temporal":null,"environmental":null,)"
            R"("score":9.2,"nomenclature":"CVSS-B","severity":"Critical","error":null})");

  nlohmann::ordered_json v4bt =
      CvssToJson("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A");
  EXPECT_TRUE(v4bt["base"].is_null());
  EXPECT_EQ(v4bt["nomenclature"], "CVSS-BT");
  EXPECT_EQ(v4bt["score"], 7.3);

  nlohmann::ordered_json v2 = CvssToJson("AV:N/AC:L/Au:N/C:P/I:P/A:P");
  EXPECT_EQ(v2["version"], "2.0");
  EXPECT_EQ(v2["score"], 7.5);
  EXPECT_EQ(v2["severity"], "High");
  EXPECT_TRUE(v2["nomenclature"].is_null());
}

TEST(CvssCmdTest, InvalidVector) {
  nlohmann::ordered_json bad = CvssToJson("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/");
  EXPECT_EQ(bad.size(), 9u);
  EXPECT_EQ(bad["valid"], false);
  EXPECT_EQ(bad["error"], "CVSS 3.1 vector: trailing '/'");
  for (const char* key :
       {"version", "base", "temporal", "environmental", "score", "nomenclature", "severity"}) {
    EXPECT_TRUE(bad[key].is_null()) << key;
  }
}

TEST(CvssCmdTest, BatchLines) {
  EXPECT_EQ(nlohmann::json::parse(
                CvssBatchLine(R"({"vector": "AV:N/AC:L/Au:N/C:P/I:P/A:P"})", 1))["score"],
            7.5);
  struct Case {
    std::string in, error;
  };
  const std::vector<Case> cases = {
      {"not json", "line 3: not a JSON object"},
      {"", "line 3: not a JSON object"},
      {"[1,2]", "line 3: not a JSON object"},
      {R"({"vec": "x"})", "line 3: needs a string field \"vector\""},
      {R"({"vector": 3.1})", "line 3: needs a string field \"vector\""},
      {R"({"vector": "CVSS:3.1/AV:X"})", ""},  // a vector error, not a line error
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.in);
    std::string line = CvssBatchLine(tc.in, 3);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    nlohmann::json out = nlohmann::json::parse(line);
    EXPECT_EQ(out.size(), 9u);
    EXPECT_EQ(out["valid"], false);
    ASSERT_TRUE(out["error"].is_string());
    if (!tc.error.empty()) {
      EXPECT_EQ(out["error"], tc.error);
    } else {
      EXPECT_EQ(out["error"].get<std::string>().rfind("CVSS 3.1 vector: ", 0), 0u);
    }
  }
  // Non-ASCII input is escaped in the error message, so the output is always valid JSON.
  std::string raw = CvssBatchLine("{\"vector\": \"CVSS:3.1/\\u00ff\"}", 4);
  EXPECT_FALSE(nlohmann::json::parse(raw)["valid"].get<bool>());
}

}  // namespace
}  // namespace assay::cli
