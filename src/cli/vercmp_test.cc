// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "cli/vercmp.h"

#include <gtest/gtest.h>

namespace assay::cli {
namespace {

TEST(VercmpTest, BatchLines) {
  struct Case {
    std::string in, want;
  };
  std::vector<Case> cases = {
      {R"({"ecosystem":"Debian:12","a":"1.0~rc1","b":"1.0"})", R"({"cmp":-1})"},
      {R"({"ecosystem":"Ubuntu:22.04:LTS","a":"2:1.0","b":"1:9.9"})", R"({"cmp":1})"},
      {R"({"ecosystem":"PyPI","a":"1.0","b":"1.0.0"})", R"({"cmp":0})"},
      {R"({"ecosystem":"RPM","a":"1.0-1","b":"1.0-2"})", R"({"cmp":-1})"},
      {R"({"ecosystem":"Foo","a":"1","b":"2"})", R"({"error":"unknown ecosystem \"Foo\""})"},
      {R"(not json)", R"({"error":"line 7: not a JSON object"})"},
      {R"({"ecosystem":"npm","a":1,"b":"2"})",
       R"({"error":"line 7: needs string fields ecosystem, a and b"})"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.in);
    EXPECT_EQ(VercmpBatchLine(tc.in, 7), tc.want);
  }
}

TEST(VercmpTest, InvalidVersionIsAnError) {
  auto r = CompareInEcosystem("Debian", "1.0", "a:b:c");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
}

}  // namespace
}  // namespace assay::cli
